// Progressive enhancement for quiz attempts: save each answer as soon as it is given.
// Without JavaScript the form's own "Save answers" button does the same job.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz[data-answer-url]");
  if (!form) { return; }
  var token = form.querySelector("input[name=csrf_token]").value;
  var base = form.getAttribute("data-answer-url");

  function fieldsOf(question) {
    var pairs = [];
    question.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.disabled) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      pairs.push([el.name, el.value]);
    });
    return pairs;
  }

  function show(question, text, isError) {
    var status = question.querySelector(".save-status");
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  // Per question: a pending timer, a save in flight, and whether the answer changed while it was in flight.
  // One save at a time per question, so an older answer can never arrive after a newer one and overwrite it;
  // "Saved" is shown only when the answer on screen is the one the server holds.
  var states = {};

  function stateOf(question) {
    var id = question.getAttribute("data-question");
    return states[id] || (states[id] = {id: id, timer: null, inFlight: false, dirty: false});
  }

  function send(question, state) {
    if (state.inFlight) { state.dirty = true; return; }
    state.inFlight = true;
    state.dirty = false;
    fetch(base + encodeURIComponent(state.id), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token},
      body: JSON.stringify({fields: fieldsOf(question)})
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (result) {
      finish(question, state, result.body);
    }).catch(function () {
      finish(question, state, null);
    });
  }

  function finish(question, state, body) {
    state.inFlight = false;
    if (body && body.closed && body.result) {
      window.location.href = body.result;
      return;
    }
    if (state.dirty) { send(question, state); return; }  // the learner changed the answer meanwhile
    if (state.timer) { return; }  // another change is waiting for its turn; it will report
    if (!body) {
      show(question, form.getAttribute("data-offline") || "!", true);
    } else if (body.ok) {
      show(question, form.getAttribute("data-saved") || "\u2713", false);
    } else {
      show(question, body.error || "!", true);
    }
  }

  function schedule(event, delay) {
    var question = event.target.closest("[data-question]");
    if (!question) { return; }
    var state = stateOf(question);
    show(question, form.getAttribute("data-saving") || "\u2026", false);
    clearTimeout(state.timer);
    state.timer = setTimeout(function () { state.timer = null; send(question, state); }, delay);
  }

  form.addEventListener("change", function (event) { schedule(event, 250); });
  // Typed answers are saved while the learner types (after a pause), not only when the box loses the focus.
  form.addEventListener("input", function (event) {
    if (event.target.type === "text") { schedule(event, 800); }
  });
}());
