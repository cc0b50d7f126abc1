/*
 * Commune autocomplete: progressive enhancement of <input data-commune-autocomplete="/territoire/communes/">.
 *
 * Follows the WAI-ARIA 1.2 combobox pattern with a list popup (aria-autocomplete="list"):
 * the input gets role="combobox", aria-expanded, aria-controls and aria-activedescendant; suggestions are
 * options of a listbox. Keys: ArrowDown/ArrowUp move through suggestions (ArrowDown opens the list), Enter picks
 * the highlighted suggestion, Escape closes the list (a second Escape clears the text), Tab leaves.
 * A polite live region announces the number of suggestions.
 * Without JavaScript the input is a plain text field: the server understands a name, a postal code or an INSEE code.
 */
(function () {
  "use strict";

  var MIN_LENGTH = 2;
  var DELAY_MS = 200;
  var counter = 0;

  function enhance(input) {
    if (input.dataset.communeAutocompleteReady) {
      return;
    }
    input.dataset.communeAutocompleteReady = "true";
    counter += 1;
    var url = input.getAttribute("data-commune-autocomplete") || "/territoire/communes/";
    var listId = (input.id || "commune-autocomplete-" + counter) + "-suggestions";

    var wrapper = document.createElement("div");
    wrapper.className = "commune-autocomplete";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "commune-autocomplete__list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var labels = input.labels && input.labels.length ? input.labels[0] : null;
    if (labels) {
      if (!labels.id) {
        labels.id = listId + "-label";
      }
      list.setAttribute("aria-labelledby", labels.id);
    } else {
      list.setAttribute("aria-label", "Communes suggérées");
    }
    wrapper.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var results = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var cache = new Map();
    var lastQuery = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var result = results[index];
      if (!result) {
        return;
      }
      input.value = result.label;
      close();
      status.textContent = result.label + " sélectionnée.";
      input.dispatchEvent(new CustomEvent("commune:selected", { bubbles: true, detail: result }));
    }

    function render(query, items) {
      results = items;
      list.replaceChildren();
      items.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.className = "commune-autocomplete__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the input
        });
        option.addEventListener("click", function () {
          choose(i);
        });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (items.length) {
        open();
        status.textContent =
          items.length === 1 ? "1 commune suggérée." : items.length + " communes suggérées.";
      } else {
        close();
        status.textContent = query.length >= MIN_LENGTH ? "Aucune commune trouvée." : "";
      }
    }

    function fetchResults(query) {
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      if (query.length < MIN_LENGTH) {
        render(query, []);
        return;
      }
      if (cache.has(query)) {
        render(query, cache.get(query));
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      var separator = url.indexOf("?") === -1 ? "?" : "&";
      fetch(url + separator + "q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          cache.set(query, data.results);
          if (input.value.trim() === query) {
            render(query, data.results);
          }
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            render(query, []);
          }
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      timer = window.setTimeout(function () {
        fetchResults(query);
      }, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!expanded) {
            open();
            if (!event.altKey && results.length) {
              highlight(0);
            }
          } else {
            highlight(active + 1 >= results.length ? 0 : active + 1);
          }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!expanded) {
            open();
            highlight(results.length - 1);
          } else {
            highlight(active <= 0 ? results.length - 1 : active - 1);
          }
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault(); // pick the suggestion, do not submit the form
            choose(active);
          }
          break;
        case "Escape":
          if (expanded) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            lastQuery = null;
            results = [];
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      close();
    });
  }

  var SELECTOR = "input[data-commune-autocomplete]";

  function enhanceAll(root) {
    if (root.matches && root.matches(SELECTOR)) {
      enhance(root);
    }
    root.querySelectorAll(SELECTOR).forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
  document.addEventListener("htmx:load", function (event) {
    enhanceAll(event.target);
  });
})();
