/* The payment page: a card field from Stripe Elements, confirmed with Stripe.js.
 * The order is marked paid by Stripe's webhook (never by this script); the page then
 * waits on the order page, which shows what the server knows. */
(function () {
  'use strict';
  const form = document.getElementById('payment-form');
  if (!form || typeof Stripe === 'undefined') {
    const message = document.getElementById('payment-message');
    if (form && message) {
      message.textContent = 'The payment form could not load. Check your connection and reload the page.';
    }
    return;
  }
  const stripe = Stripe(form.dataset.publishableKey);
  const elements = stripe.elements();
  const card = elements.create('card');
  card.mount('#card-element');
  const button = document.getElementById('pay-button');
  const message = document.getElementById('payment-message');
  let declined = false;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (declined) {
      // A decline lets the slot go: the server decides what the next attempt pays for
      // (this order, a new one for the same time if it is still free, or a new time).
      window.location.assign(form.dataset.retryUrl || window.location.href);
      return;
    }
    button.disabled = true;  // one click, one confirmation
    message.textContent = 'Processing…';
    const result = await stripe.confirmCardPayment(form.dataset.clientSecret, {payment_method: {card: card}});
    if (result.error) {
      message.textContent = (result.error.message || 'The payment did not go through.') +
        ' Nothing was charged. Press Pay to try again.';
      declined = true;
      button.disabled = false;
      return;
    }
    message.textContent = 'Payment received. Confirming your order…';
    window.location.assign(form.dataset.returnUrl + '?paid=1');
  });
})();
