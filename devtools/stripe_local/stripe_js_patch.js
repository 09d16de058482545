/* Appended to localstripe's Stripe.js stand-in by devtools/stripe_local (our code, not
 * localstripe's). Stripe.js confirms a card payment by POSTing the card as
 * payment_method_data to /v1/payment_intents/<id>/confirm with the publishable key and
 * the client secret; localstripe's stand-in only knows the 3-D Secure step, so this
 * wraps it to do what Stripe.js does, falling back to that step when asked for it. */
(function () {
  const makeStripe = Stripe;
  Stripe = (apiKey) => {
    const stripe = makeStripe(apiKey);
    const authenticate = stripe.confirmCardPayment;
    stripe.confirmCardPayment = async (clientSecret, data) => {
      const card = data && data.payment_method && data.payment_method.card;
      if (!card || !card.value) {
        return authenticate(clientSecret, data);
      }
      const pi = clientSecret.match(/^(pi_\w+)_secret_/)[1];
      try {
        const response = await fetch(`${LOCALSTRIPE_BASE_API}/v1/payment_intents/${pi}/confirm`, {
          method: 'POST',
          body: JSON.stringify({
            key: apiKey,
            client_secret: clientSecret,
            payment_method_data: {
              type: 'card',
              card: card.value.card,
              billing_details: data.payment_method.billing_details || {},
            },
          }),
        });
        const body = await response.json().catch(() => ({}));
        if (response.status !== 200 || body.error) {
          return {error: body.error || {message: 'The payment could not be confirmed.'}};
        }
        if (body.status === 'requires_action') {
          return authenticate(clientSecret, data);
        }
        return {paymentIntent: body};
      } catch (err) {
        return {error: {message: String(err)}};
      }
    };
    return stripe;
  };
})();
