// A hall device's page: sign-in with the device account, the session (an HttpOnly cookie the
// server can revoke), reads of the central API, and the hall's live events with a clear
// "connection lost" state that recovers by itself. Shared by the display board, the ticket
// kiosk and the rating pad: CounterDevice.start(kind, texts, onReady); writes go through
// CounterDevice.send (the device header the server wants before it honours the cookie).
"use strict";

const CounterDevice = (() => {
  let skewMs = 0; // server clock minus this box's clock (TV boxes often have the wrong time)

  class ApiError extends Error {
    constructor(status, message, reason, params) {
      super(message);
      this.status = status;
      this.reason = reason || null; // the server's reason code, for the page's own sentence
      this.params = params || {};
    }
  }

  async function api(path, options = {}) {
    let response;
    try {
      response = await fetch(path, {credentials: "same-origin", cache: "no-store", ...options});
    } catch (err) {
      throw new ApiError(0, String(err));
    }
    const date = response.headers.get("Date");
    if (date) skewMs = Date.parse(date) - Date.now();
    if (!response.ok) {
      let error = {message: response.statusText};
      try {
        error = (await response.json()).error;
      } catch (_) { /* not JSON */ }
      throw new ApiError(response.status, error.message, error.reason, error.params);
    }
    return response.status === 204 ? null : response.json();
  }

  // A write with the page's session: one Idempotency-Key per act of the user (a retry of the
  // same act sends the same key, so the server does it once).
  function send(path, body, key) {
    const headers = {"Content-Type": "application/json", "X-Counter-Device": "1"};
    if (key) headers["Idempotency-Key"] = key;
    return api(path, {method: "POST", headers, body: JSON.stringify(body)});
  }

  function newKey() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // zh by default; ?lang=en, or the page's own switch. texts: {zh: {...}, en: {...}}.
  function language(params) {
    return params.get("lang") === "en" ? "en" : "zh";
  }

  function now() {
    return new Date(Date.now() + skewMs);
  }

  // The hall's time of day (UTC+8), to the minute.
  function hallMinutes(date) {
    const hall = new Date(date.getTime() + 8 * 3600 * 1000);
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(hall.getUTCHours())}:${pad(hall.getUTCMinutes())}`;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text; // API text is data, never markup
    return node;
  }

  function signInForm(kind, texts, onReady) {
    const old = document.getElementById("device-sign-in");
    if (old) old.remove();
    const form = element("form", "device-sign-in");
    form.id = "device-sign-in";
    form.append(element("h1", "", texts.signInTitle));
    const who = element("input");
    who.name = "staff_no";
    who.autocomplete = "username";
    who.placeholder = texts.account;
    const password = element("input");
    password.name = "password";
    password.type = "password";
    password.autocomplete = "current-password";
    password.placeholder = texts.password;
    const button = element("button", "", texts.signIn);
    button.type = "submit";
    const said = element("p", "device-error");
    said.setAttribute("role", "alert");
    form.append(who, password, button, said);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      said.textContent = "";
      button.disabled = true;
      try {
        const session = await api("/v1/devices/sign-in", {
          method: "POST",
          headers: {"Content-Type": "application/json"},
          body: JSON.stringify({staff_no: who.value.trim(), password: password.value, kind}),
        });
        form.remove();
        onReady(session);
      } catch (err) {
        said.textContent = err.status === 0 ? texts.unreachable : err.message;
        password.value = "";
        button.disabled = false;
      }
    });
    document.body.append(form);
    who.focus();
  }

  // Signed in already (the cookie)? Then onReady; else the sign-in form. Retries while the
  // central cannot be reached.
  async function start(kind, texts, onReady, onLost) {
    try {
      onReady(await api("/v1/devices/me"));
    } catch (err) {
      if (err.status === 401) {
        signInForm(kind, texts, onReady);
      } else {
        if (onLost) onLost();
        setTimeout(() => start(kind, texts, onReady, onLost), 3000);
      }
    }
  }

  // The hall's events (GET /v1/events, the cookie goes with it). onEvent(type, event);
  // onState("live" | "lost"); onSignedOut() when the server revoked the session.
  function follow({onEvent, onState, onSignedOut, types}) {
    let source = null;
    let state = null;
    let retry = null;
    const PROBE_MS = 30000;

    function setState(next) {
      if (next !== state) {
        state = next;
        onState(next);
      }
    }

    function open() {
      clearTimeout(retry);
      if (source) source.close();
      source = new EventSource("/v1/events");
      source.onopen = () => setState("live");
      for (const type of types) {
        source.addEventListener(type, (message) => {
          setState("live");
          onEvent(type, JSON.parse(message.data));
        });
      }
      source.onerror = () => {
        setState("lost");
        if (source.readyState === EventSource.CLOSED) {
          // Refused (401 after a revoke) or the server is gone: find out which, then retry.
          source = null;
          check();
        } // else the browser reconnects by itself, with Last-Event-ID
      };
    }

    async function check() {
      try {
        await api("/v1/devices/me");
        retry = setTimeout(open, 1000);
      } catch (err) {
        if (err.status === 401) {
          if (source) source.close();
          source = null;
          onSignedOut();
          return;
        }
        retry = setTimeout(check, 3000);
      }
    }

    // A link that dies silently (Wi-Fi) sends no error: a light probe now and then.
    setInterval(async () => {
      if (!source) return;
      try {
        await api("/v1/events/poll");
        if (state === "lost" && source.readyState !== EventSource.OPEN) open();
      } catch (err) {
        setState("lost");
        if (err.status === 401) check();
      }
    }, PROBE_MS);

    open();
    return {reopen: open};
  }

  // A touch page (kiosk, pad): its #screen shows once signed in, #clock keeps the hall's time,
  // #lost says when the link is down; then the hall's events. page: {kind, texts, types,
  // begin(), refresh(), onEvent(type, event)}; refresh() also runs whenever the link is back.
  function runTouchPage(page) {
    let started = false;
    const byId = (id) => document.getElementById(id);
    function tick() {
      byId("clock").textContent = hallMinutes(now());
      setTimeout(tick, 15000);
    }
    async function ready() {
      if (started) { location.reload(); return; } // signed in again after a revoke
      started = true;
      byId("screen").hidden = false;
      page.begin();
      tick();
      await page.refresh();
      follow({
        types: page.types,
        onEvent: page.onEvent,
        onState: (state) => {
          byId("lost").hidden = state !== "lost";
          document.body.dataset.connection = state;
          if (state === "live") page.refresh();
        },
        onSignedOut: () => { location.reload(); },
      });
    }
    start(page.kind, page.texts, ready, () => { document.body.dataset.connection = "lost"; });
  }

  return {runTouchPage, api, send, newKey, language, now, hallMinutes, element, start, follow, signInForm, ApiError};
})();
