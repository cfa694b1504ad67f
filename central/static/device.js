// A hall device's page: sign-in with the device account, the session (an HttpOnly cookie the
// server can revoke), reads of the central API, and the hall's live events with a clear
// "connection lost" state that recovers by itself. Shared by the display board and, later,
// the kiosk and rating pad pages: CounterDevice.start(kind, texts, onReady).
"use strict";

const CounterDevice = (() => {
  let skewMs = 0; // server clock minus this box's clock (TV boxes often have the wrong time)

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
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
      let message = response.statusText;
      try {
        message = (await response.json()).error.message;
      } catch (_) { /* not JSON */ }
      throw new ApiError(response.status, message);
    }
    return response.status === 204 ? null : response.json();
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

  return {api, now, hallMinutes, element, start, follow, signInForm, ApiError};
})();
