// Progressive enhancement for quiz attempts: save each answer as soon as it is given.
// Without JavaScript the form's own "Save answers" button does the same job.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz[data-answer-url]");
  if (!form) { return; }
  var token = form.querySelector("input[name=csrf_token]").value;
  var base = form.getAttribute("data-answer-url");
  var pending = {};

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

  function save(question) {
    var id = question.getAttribute("data-question");
    show(question, form.getAttribute("data-saving") || "…", false);
    fetch(base + encodeURIComponent(id), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token},
      body: JSON.stringify({fields: fieldsOf(question)})
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (result) {
      if (result.body.ok) {
        show(question, form.getAttribute("data-saved") || "✓", false);
      } else if (result.body.closed && result.body.result) {
        window.location.href = result.body.result;
      } else {
        show(question, result.body.error || "!", true);
      }
    }).catch(function () {
      show(question, form.getAttribute("data-offline") || "!", true);
    });
  }

  form.addEventListener("change", function (event) {
    var question = event.target.closest("[data-question]");
    if (!question) { return; }
    var id = question.getAttribute("data-question");
    clearTimeout(pending[id]);
    pending[id] = setTimeout(function () { save(question); }, 250);
  });
}());
