"""The seeded taxonomy, from the domain brief. Slugs are stable identifiers: never
rename one here; admins extend the taxonomy in the app."""

from __future__ import annotations

CONCERNS: list[tuple[str, str, str]] = [
    ("back-spasm", "Acute back spasm", "Sudden lock-up after a lift, a turn or poor sleep; often settles in days."),
    ("recurring-back-spasm", "Recurring back spasm", "Returns with work, sitting or bending; an underlying strain or joint or nerve irritation."),
    ("chronic-low-back-pain", "Chronic lower back pain", "Lasting months; often linked to posture and long sitting."),
    ("upper-back-pain", "Upper / mid back pain", "Trigger areas between the shoulder blades, often from desk work."),
    ("neck-shoulder-tension", "Neck and shoulder tension or spasm", "Stress-linked tightness; cupping and trigger-point work are often used."),
    ("sciatica", "Sciatica", "Shooting leg pain from nerve irritation in the lower back."),
    ("piriformis-syndrome", "Piriformis syndrome", "Deep buttock pain from the piriformis muscle; trigger points."),
    ("it-band-tightness", "IT band tightness", "Tightness along the outer thigh, common in athletes and runners."),
    ("disc-related-pain", "Disc-related pain (herniation, stenosis)", "Needs a medical work-up alongside any therapy."),
    ("fibromyalgia", "Fibromyalgia", "Chronic, widespread pain; best served by a team approach."),
    ("arthritis-back-pain", "Arthritis-related back pain", "Joint-related back pain; best served by a team approach."),
    ("posture-desk-pain", "Posture and desk-related pain", "Ergonomics and posture coaching help."),
    ("stress-tension", "Stress-linked muscle tension", "Tension that eases as the nervous system calms."),
    ("sports-injury", "Sports injury, strain or sprain", "Acute injury or overuse."),
    ("post-accident-pain", "Pain after an accident (e.g. car crash)", "Start only after medical clearance."),
    ("pregnancy-postnatal-back-pain", "Pregnancy and postnatal back pain", "Prenatal massage; needling only with caution."),
]

# modality slug, name, description, [(technique slug, name)]
MODALITIES: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    ("acupuncture", "Acupuncture", "Fine sterile needles at chosen points to ease pain and spasm.", [
        ("traditional-acupuncture", "Traditional acupuncture (ashi points, meridians)"),
        ("electro-acupuncture", "Electro-acupuncture"),
        ("dry-needling", "Trigger-point / dry needling"),
        ("distal-needling", "Distal needling (Tan or Tung style)"),
        ("auricular-acupuncture", "Ear (auricular) acupuncture"),
        ("moxibustion", "Moxibustion"),
    ]),
    ("physiotherapy", "Physiotherapy", "Assessment, exercise and hands-on treatment by a registered physiotherapist.", [
        ("exercise-therapy", "Exercise therapy"),
        ("spinal-mobilisation", "Spinal mobilisation"),
        ("posture-training", "Posture training"),
        ("core-strengthening", "Core strengthening"),
    ]),
    ("ayurveda", "Ayurveda", "Care from a registered Ayurvedic doctor, including warm-oil therapies.", [
        ("abhyanga", "Abhyanga (warm-oil massage)"),
        ("kati-basti", "Kati Basti (warm oil pooled on the lower back)"),
        ("herbal-naturopathy-care", "Herbal and naturopathy care"),
    ]),
    ("massage", "Massage therapy", "Hands-on soft-tissue work by a certified massage therapist.", [
        ("deep-tissue-massage", "Deep tissue massage"),
        ("medical-massage", "Medical massage"),
        ("sports-massage", "Sports massage"),
        ("manual-lymphatic-drainage", "Manual lymphatic drainage"),
        ("prenatal-massage", "Prenatal massage"),
    ]),
    ("cupping", "Cupping therapy", "Suction cups that lift tissue to release tight muscles.", [
        ("cupping", "Cupping (dry, fire or moving)"),
    ]),
    ("tui-na", "Tui Na", "Chinese therapeutic bodywork: pressing, kneading and mobilising.", [
        ("tui-na-bodywork", "Tui Na bodywork"),
    ]),
    ("manual-therapy", "Manual therapy and bodywork", "Myofascial, Gua Sha, Shiatsu, stretching and mobility work.", [
        ("myofascial-release", "Myofascial release"),
        ("gua-sha", "Gua sha"),
        ("shiatsu", "Shiatsu"),
        ("stretching-mobility", "Stretching and mobility therapy"),
    ]),
    ("chiropractic", "Chiropractic", "Spinal manipulation and adjustment by a licensed chiropractor.", [
        ("spinal-manipulation", "Spinal manipulation"),
    ]),
    ("herbal-medicine", "Herbal medicine", "Herbal specialists' care, alongside other treatment.", [
        ("herbal-prescription", "Herbal prescription"),
    ]),
    ("posture-coaching", "Posture correction coaching", "Ergonomics and posture habits for desk-related pain.", [
        ("ergonomic-assessment", "Ergonomic assessment"),
        ("posture-correction", "Posture correction"),
    ]),
    ("yoga-pilates", "Yoga and Pilates", "Therapeutic yoga and clinical Pilates from qualified instructors.", [
        ("therapeutic-yoga", "Therapeutic yoga"),
        ("clinical-pilates", "Clinical Pilates"),
    ]),
]
