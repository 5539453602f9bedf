// ICD-10 suggestions for inputs with data-icd10-suggest (packages/widgets.py): as the
// operator types a code's start or a word of its name, up to 20 codes fill the input's
// datalist ("I10 — Эссенциальная гипертензия"). The input keeps whatever is typed.
(function () {
  "use strict";

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    if (!list) {
      return;
    }
    input.addEventListener("input", function () {
      var term = input.value.trim();
      window.clearTimeout(timer);
      if (!term || term === asked) {
        return;
      }
      timer = window.setTimeout(function () {
        asked = term;
        var url = input.dataset.icd10Suggest + "?q=" + encodeURIComponent(term);
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : {results: []}; })
          .then(function (data) {
            list.replaceChildren();
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.code;
              option.label = item.code + " — " + item.name;
              option.textContent = item.name;
              list.appendChild(option);
            });
          })
          .catch(function () { /* no suggestions: the field still takes a typed code */ });
      }, 200);
    });
  }

  function attachAll() {
    document.querySelectorAll("input[data-icd10-suggest]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", attachAll);
  } else {
    attachAll();
  }
})();
