// Small progressive enhancements. Every page works without this file.
(() => {
  "use strict";

  // With JavaScript on, elements marked .nojs-only (a save button beside autosave) are hidden and
  // .js-only ones shown (static/css/app.css). Set at once, before the page is painted where possible.
  document.documentElement.classList.add("js");

  // htmx, only where the page uses it: a page with hx-get, hx-post … loads it (its URL, hashed in
  // production, is on <body data-htmx-src>); htmx then processes the page as it loads.
  // It is added once the page has loaded: htmx sets itself up at DOMContentLoaded, or at once when
  // the document is complete; a script added in between (the document "interactive") would wait
  // for a DOMContentLoaded that has passed, and the page would never autosave.
  const HX = "[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete],[data-hx-get],[data-hx-post],[hx-trigger]";
  const loadHtmx = () => {
    const src = document.body && document.body.dataset.htmxSrc;
    if (!src || window.htmx || !document.querySelector(HX)) return;
    const script = document.createElement("script");
    script.src = src;
    document.head.appendChild(script);
  };
  if (document.readyState === "complete") loadHtmx();
  else window.addEventListener("load", loadHtmx);
  // Run fn once htmx has set up the page (it says so with htmx:load on the body).
  const whenHtmx = (fn) => {
    if (window.htmx && document.readyState === "complete") setTimeout(fn, 300);
    else document.addEventListener("htmx:load", () => setTimeout(fn, 0), { once: true });
  };

  // The error summary (templates/includes/form_errors.html) takes focus where it appears, on a page
  // or in a part that htmx swapped in, so that a screen reader reads it and the keyboard starts there.
  const focusErrorSummary = (root) => {
    const summary = root && root.querySelector && root.querySelector(".error-summary");
    if (summary) summary.focus();
  };
  document.addEventListener("DOMContentLoaded", () => focusErrorSummary(document));
  document.addEventListener("htmx:afterSettle", (event) => focusErrorSummary(event.detail && event.detail.elt));

  document.addEventListener("DOMContentLoaded", () => {
    for (const button of document.querySelectorAll(".js-print")) {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    }
    restoreDrafts();
  });

  // "Nästa obesvarade fråga" (a link to #q-<id>): the question is shown from its heading and its
  // field, where the person may write, takes focus, ready for the answer.
  function focusQuestion() {
    const id = window.location.hash.slice(1);
    if (!id.startsWith("q-")) return;
    const question = document.getElementById(id);
    if (!question) return;
    question.scrollIntoView({ block: "start" });
    const field = question.querySelector(".answer textarea[id^='text-']");
    if (field) field.focus({ preventScroll: true });
  }
  window.addEventListener("hashchange", focusQuestion);
  // After the load: the browser's own scroll to the fragment is done by then.
  window.addEventListener("load", () => setTimeout(focusQuestion, 0));

  // --- Answers: nothing typed is lost -----------------------------------------------------
  // A draft of each answer is kept in this browser, with the version it was based on and the
  // person who wrote it, until the server has saved it. On the next visit it is saved against that
  // version, so if someone else saved meanwhile the person gets the conflict, never an overwrite.
  const DRAFT = "samverkan-draft:";
  const answerOf = (el) => el && el.closest && el.closest(".answer");
  const textareaOf = (answer) => answer && answer.querySelector("textarea[id^='text-']");
  const metaOf = (answer) => answer && answer.querySelector(".answer-meta");
  const versionOf = (answer) => answer && answer.querySelector(".answer-meta input[name$='-version']");
  const userId = () => document.body.dataset.user || "";
  const draftKey = (textarea) => {
    const scope = textarea.closest("[data-draft-scope]");
    return scope ? `${DRAFT}${scope.dataset.draftScope}:${textarea.name}` : null;
  };
  const store = {
    get: (key) => {
      try {
        const value = key && localStorage.getItem(key);
        return value ? JSON.parse(value) : null;
      } catch { return null; }
    },
    set: (key, value) => { try { if (key) localStorage.setItem(key, JSON.stringify(value)); } catch { /* full or private */ } },
    drop: (key) => { try { if (key) localStorage.removeItem(key); } catch { /* private mode */ } },
    clearAll: () => {
      try {
        for (const key of Object.keys(localStorage)) if (key.startsWith(DRAFT)) localStorage.removeItem(key);
      } catch { /* private mode */ }
    },
  };
  const say = (answer, text, kind) => {
    const meta = metaOf(answer);
    if (!meta) return;
    let note = meta.querySelector(".js-note");
    if (!note) {
      note = document.createElement("p");
      meta.prepend(note);
    }
    note.className = `js-note mb-1 text-${kind}`;
    note.textContent = text;
  };
  // The messages, in the person's language: Django's JavaScript catalog (samverkan/urls.py,
  // locale/*/LC_MESSAGES/djangojs.po) defines gettext; without it the Swedish text is shown.
  const gettext = (text) => (window.gettext ? window.gettext(text) : text);
  const MESSAGES = {
    offline: () => gettext("Inte sparat: ingen kontakt med servern. Försöker igen …"),
    refused: () => gettext("Inte sparat: du kan inte längre ändra svaret. Ladda om sidan. Din text finns kvar i fältet."),
    restored: () => gettext("Osparad text från den här enheten är återställd. Den sparas nu."),
    theirs: () => gettext("Deras text är inläst i fältet."),
    dirty: () => gettext("Svaret ändrades av någon annan. Du har osparade ändringar; när du sparar får du jämföra."),
  };
  const T = (key) => MESSAGES[key]();

  function restoreDrafts() {
    for (const textarea of document.querySelectorAll(".answer textarea[id^='text-']")) {
      const key = draftKey(textarea);
      const draft = store.get(key);
      if (!draft) continue;
      if (draft.user !== userId() || typeof draft.text !== "string") {
        store.drop(key);  // someone else's, on a shared computer: not shown
        continue;
      }
      if (draft.text === textarea.value) {
        store.drop(key);
        continue;
      }
      const answer = answerOf(textarea);
      textarea.value = draft.text;
      const version = versionOf(answer);
      if (version) version.value = draft.version;  // saved against what it was written on
      say(answer, T("restored"), "warning-emphasis");
      whenHtmx(() => htmx.trigger(textarea, "retry"));
    }
  }

  // An htmx request that failed, outside an answer (which says it beside the field): said in the
  // page's message area (a live region), so that a click never seems to do nothing.
  const problem = (text) => {
    const area = document.getElementById("messages");
    if (!area) return;
    const alert = document.createElement("div");
    alert.className = "alert alert-danger";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    area.replaceChildren(alert);
    area.scrollIntoView({block: "nearest"});
  };
  document.addEventListener("htmx:responseError", (event) => {
    if (answerOf(event.detail.elt)) return;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 403) problem(gettext("Du kan inte göra det här längre. Ladda om sidan."));
    else if (status === 404) problem(gettext("Det du ändrade finns inte längre. Ladda om sidan."));
    else problem(gettext("Något gick fel hos oss. Det du skrev finns kvar i fältet; försök igen om en stund."));
  });
  document.addEventListener("htmx:sendError", (event) => {
    if (answerOf(event.detail.elt)) return;
    problem(gettext("Ingen kontakt med servern. Det du skrev finns kvar; försök igen när du har kontakt."));
  });

  // Logging out on this computer forgets its drafts.
  document.addEventListener("submit", (event) => {
    if (event.target.matches && event.target.matches("form[action$='/logout/']")) store.clearAll();
  });

  document.addEventListener("input", (event) => {
    const textarea = event.target;
    if (textarea.matches && textarea.matches(".answer textarea[id^='text-']")) {
      const version = versionOf(answerOf(textarea));
      const previous = store.get(draftKey(textarea));
      store.set(draftKey(textarea), {
        text: textarea.value,
        version: previous ? previous.version : (version ? version.value : "0"),
        user: userId(),
      });
    }
  });

  // While a conflict is shown, typing does not save: the person chooses in the panel.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    const answer = answerOf(elt);
    const textarea = textareaOf(answer);
    if (!textarea) return;
    if (elt === textarea && answer.dataset.conflict) {
      event.preventDefault();
      return;
    }
    textarea.dataset.sending = textarea.value;
  });

  const retries = new WeakMap();
  document.addEventListener("htmx:afterRequest", (event) => {
    const answer = answerOf(event.detail.elt);
    const textarea = textareaOf(answer);
    if (!textarea) return;
    const xhr = event.detail.xhr;
    const state = xhr && xhr.getResponseHeader && xhr.getResponseHeader("X-Answer-State");
    if (event.detail.successful) {
      retries.delete(textarea);
      if (state === "conflict") {
        answer.dataset.conflict = "1";
      } else if (state === "saved" || state === "unchanged") {
        delete answer.dataset.conflict;
        const remote = answer.querySelector(".answer-remote");
        if (remote) remote.replaceChildren();  // "X changed the answer" is old news after my own save
        textarea.dataset.saved = textarea.dataset.sending;
        if (textarea.value === textarea.dataset.saved) store.drop(draftKey(textarea));
        else {
          const version = versionOf(answer);
          const draft = store.get(draftKey(textarea));
          if (draft && version) store.set(draftKey(textarea), { ...draft, version: version.value });
        }
      }
      return;
    }
    const status = xhr ? xhr.status : 0;
    if (status >= 400 && status < 500) {  // refused: retrying would not help
      say(answer, T("refused"), "danger");
      return;
    }
    // Network down (no response) or a server error: say so, keep the text, try again later.
    const attempt = (retries.get(textarea) || 0) + 1;
    retries.set(textarea, attempt);
    say(answer, T("offline"), "danger");
    setTimeout(() => htmx.trigger(textarea, "retry"), Math.min(30000, 2000 * 2 ** Math.min(attempt, 4)));
  });

  // Another person's change arrives through the poll: put it into fields nobody is editing.
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    const swapped = event.detail.target;
    if (!swapped || !swapped.classList || !swapped.classList.contains("answer-remote")) return;
    const remote = document.getElementById(swapped.id);  // the element now in the page
    // htmx fires this once per out-of-band element for every element of the response: once each.
    if (!remote || remote.dataset.handled) return;
    remote.dataset.handled = "1";
    const answer = answerOf(remote);
    const textarea = textareaOf(answer);
    const note = remote.querySelector(".js-changed-by");
    const meta = metaOf(answer);
    const template = remote.querySelector("template.js-meta");
    if (!textarea) {  // read only: show the new text and state
      const readonly = answer.querySelector(".answer-readonly");
      if (readonly) readonly.textContent = remote.dataset.text || readonly.dataset.empty;
      if (meta && template) {
        meta.replaceChildren(template.content.cloneNode(true));
        htmx.process(meta);
      }
      return;
    }
    const version = versionOf(answer);
    const mine = version ? Number(version.value) : 0;
    const theirs = Number(remote.dataset.version);
    if (theirs < mine) {  // older than what this page has (the poll looks a little back)
      remote.replaceChildren();
      return;
    }
    if (theirs === mine && note) note.remove();  // no new text: confirmations or status only
    const untouched = textarea.value === (textarea.dataset.saved ?? textarea.value);
    if (untouched && !answer.dataset.conflict) {
      textarea.value = remote.dataset.text;
      textarea.dataset.saved = remote.dataset.text;
      if (meta && template) {
        meta.replaceChildren(template.content.cloneNode(true));  // new version, status, confirmations
        htmx.process(meta);
      }
      const select = answer.querySelector("select[id^='status-']");
      if (select && [...select.options].some((o) => o.value === remote.dataset.status)) select.value = remote.dataset.status;
    } else if (theirs > mine) {
      const dirty = document.createElement("p");
      dirty.className = "mb-0";
      dirty.textContent = T("dirty");
      remote.append(dirty);
    }
    if (!remote.textContent.trim()) remote.replaceChildren();
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".js-take-theirs");
    if (!button) return;
    const answer = answerOf(button);
    const textarea = document.getElementById(button.dataset.target);
    delete answer.dataset.conflict;
    textarea.value = button.dataset.text;
    textarea.dataset.saved = button.dataset.text;
    store.drop(draftKey(textarea));
    const meta = metaOf(answer);
    meta.replaceChildren();
    const version = document.createElement("input");
    version.type = "hidden";
    version.name = textarea.name.replace(/-text$/, "-version");
    version.value = button.dataset.version;
    meta.append(version);
    say(answer, T("theirs"), "success");
    textarea.focus();
  });
})();
