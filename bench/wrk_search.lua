-- wrk script: rotate through request paths listed one per line in a file, and print a
-- machine-readable summary at the end.
--
--   wrk -t2 -c16 -d15s --latency -s bench/wrk_search.lua http://127.0.0.1:8000 -- bench/out/wrk_paths.txt
--
-- Each wrk thread has its own Lua state; threads start at different offsets so they don't
-- send the same search at the same time.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

local paths = {}
local counter = 0

function init(args)
   local file = args[1] or "bench/out/wrk_paths.txt"
   for line in io.lines(file) do
      if #line > 0 then
         paths[#paths + 1] = line
      end
   end
   if #paths == 0 then
      error("no request paths in " .. file)
   end
   counter = (id or 0) * math.floor(#paths / 2)
end

function request()
   counter = counter % #paths + 1
   return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "WRK_JSON {\"requests\": %d, \"duration_us\": %d, \"bytes\": %d, \"connect_errors\": %d, " ..
      "\"read_errors\": %d, \"write_errors\": %d, \"status_errors\": %d, \"timeouts\": %d, " ..
      "\"p50_us\": %d, \"p90_us\": %d, \"p99_us\": %d, \"max_us\": %d, \"mean_us\": %.1f}\n",
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
