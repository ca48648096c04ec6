// Small progressive enhancements. Every page works without this file.
(() => {
  "use strict";

  document.addEventListener("DOMContentLoaded", () => {
    for (const button of document.querySelectorAll(".js-print")) {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    }
    restoreDrafts();
  });

  // --- Answers: nothing typed is lost -----------------------------------------------------
  // Drafts are kept in this browser until the server has saved them; a failed save is retried.
  const DRAFT = "samverkan-draft:";
  const answerOf = (el) => el && el.closest && el.closest(".answer");
  const textareaOf = (answer) => answer && answer.querySelector("textarea[id^='text-']");
  const metaOf = (answer) => answer && answer.querySelector(".answer-meta");
  const draftKey = (textarea) => {
    const scope = textarea.closest("[data-draft-scope]");
    return scope ? `${DRAFT}${scope.dataset.draftScope}:${textarea.name}` : null;
  };
  const store = {
    get: (key) => { try { return key && localStorage.getItem(key); } catch { return null; } },
    set: (key, value) => { try { if (key) localStorage.setItem(key, value); } catch { /* private mode */ } },
    drop: (key) => { try { if (key) localStorage.removeItem(key); } catch { /* private mode */ } },
  };
  const say = (answer, text, kind) => {
    const meta = metaOf(answer);
    if (!meta) return;
    let note = meta.querySelector(".js-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "js-note mb-1";
      meta.prepend(note);
    }
    note.className = `js-note mb-1 text-${kind}`;
    note.textContent = text;
  };
  const T = (key) => (document.documentElement.lang === "en" ? EN[key] : SV[key]);
  const SV = {
    offline: "Inte sparat: ingen kontakt med servern. Försöker igen …",
    restored: "Osparad text från den här enheten är återställd. Den sparas nu.",
    theirs: "Deras text är inläst i fältet.",
    dirty: "Svaret ändrades av någon annan. Du har osparade ändringar; när du sparar får du jämföra.",
  };
  const EN = {
    offline: "Not saved: no contact with the server. Retrying …",
    restored: "Unsaved text from this device has been restored. It is being saved now.",
    theirs: "Their text is now in the field.",
    dirty: "Someone else changed the answer. You have unsaved changes; when you save you can compare.",
  };

  function restoreDrafts() {
    for (const textarea of document.querySelectorAll(".answer textarea[id^='text-']")) {
      const draft = store.get(draftKey(textarea));
      if (draft !== null && draft !== textarea.value) {
        textarea.value = draft;
        say(answerOf(textarea), T("restored"), "warning-emphasis");
        setTimeout(() => window.htmx && htmx.trigger(textarea, "retry"), 500);
      }
    }
  }

  document.addEventListener("input", (event) => {
    const textarea = event.target;
    if (textarea.matches && textarea.matches(".answer textarea[id^='text-']")) {
      store.set(draftKey(textarea), textarea.value);
    }
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const textarea = textareaOf(answerOf(event.detail.elt));
    if (textarea) textarea.dataset.sending = textarea.value;
  });

  const retries = new WeakMap();
  document.addEventListener("htmx:afterRequest", (event) => {
    const answer = answerOf(event.detail.elt);
    const textarea = textareaOf(answer);
    if (!textarea) return;
    if (event.detail.successful) {
      retries.delete(textarea);
      const conflict = metaOf(answer).querySelector(".alert-warning");
      if (!conflict) {
        const remote = answer.querySelector(".answer-remote");
        if (remote) remote.replaceChildren();  // "X changed the answer" is old news after my own save
        textarea.dataset.saved = textarea.dataset.sending;
        if (textarea.value === textarea.dataset.saved) store.drop(draftKey(textarea));
      }
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
    const version = answer.querySelector("input[name$='-version']");
    if (!textarea) {
      const readonly = answer.querySelector(".answer-readonly");
      if (readonly) readonly.textContent = remote.dataset.text || readonly.dataset.empty;
      return;
    }
    const untouched = textarea.value === (textarea.dataset.saved ?? textarea.value);
    if (untouched) {
      textarea.value = remote.dataset.text;
      textarea.dataset.saved = remote.dataset.text;
      if (version) version.value = remote.dataset.version;
      const select = answer.querySelector("select[id^='status-']");
      if (select && [...select.options].some((o) => o.value === remote.dataset.status)) select.value = remote.dataset.status;
    } else {
      const note = document.createElement("p");
      note.className = "mb-0";
      note.textContent = T("dirty");
      remote.append(note);
    }
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".js-take-theirs");
    if (!button) return;
    const answer = answerOf(button);
    const textarea = document.getElementById(button.dataset.target);
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
