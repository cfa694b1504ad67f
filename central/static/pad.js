// The rating pad (评价器) at one window: idle it shows the window, the clerk and "请对本次服务进行
// 评价"; when the clerk finishes a service there it shows the five levels; 不满意 / 非常不满意 ask
// for reasons (the national list) and an optional comment; one rating per service, then 谢谢.
// A citizen who walks away leaves the service unrated (the central stops offering it).
// Address options: ?lang=en
"use strict";

(() => {
  const params = new URLSearchParams(location.search);
  const DEFAULT_LANG = CounterDevice.language(params);
  const TEXTS = {
    zh: {
      signInTitle: "评价器登录", account: "设备账号（如 pad01）", password: "密码", signIn: "登录",
      unreachable: "连接不上服务器，请检查网络。", other: "English",
      window: (n) => `${n} 号窗口`, clerk: (name) => name ? `工作人员：${name}` : "暂停服务",
      ask: "请对本次服务进行评价", whyAsk: "请选择不满意的原因（可多选）",
      levels: {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"},
      reasons: {
        attitude: "态度不好", slow: "效率低、等候久", many_trips: "多次跑腿",
        unclear_materials: "材料要求不清", facilities: "环境设施差", other: "其他",
      },
      comment: "其他意见（选填）", back: "返回", send: "提交评价", thanks: "谢谢！",
      needReason: "请至少选择一个原因。", failed: "提交没有成功，请再点一次。",
      lost: "连接中断，正在自动重连…",
    },
    en: {
      signInTitle: "Rating pad sign-in", account: "Device account (e.g. pad01)", password: "Password",
      signIn: "Sign in", unreachable: "Cannot reach the server; check the network.", other: "中文",
      window: (n) => `Window ${n}`, clerk: (name) => name ? `Served by ${name}` : "Window closed",
      ask: "Please rate this service", whyAsk: "What went wrong? (choose one or more)",
      levels: {5: "Very satisfied", 4: "Satisfied", 3: "Fair", 2: "Dissatisfied", 1: "Very dissatisfied"},
      reasons: {
        attitude: "Unfriendly", slow: "Slow, long wait", many_trips: "Came back many times",
        unclear_materials: "Unclear materials", facilities: "Poor facilities", other: "Other",
      },
      comment: "Anything else? (optional)", back: "Back", send: "Send", thanks: "Thank you!",
      needReason: "Please choose at least one reason.", failed: "Not sent; please tap again.",
      lost: "Connection lost — reconnecting…",
    },
  };
  let lang = DEFAULT_LANG;
  let T = TEXTS[lang];
  const $ = (id) => document.getElementById(id);
  const el = CounterDevice.element;
  const THANKS_MS = 5000;
  const IDLE_MS = 90000; // nobody touched the levels: back to idle (the service stays unrated)

  let view = null; // GET /v1/pad
  let level = null;
  let chosen = new Set();
  let key = null; // one Idempotency-Key per service's rating: a retry cannot rate twice
  let rated = new Set(); // ticket ids rated from this pad
  let thanking = false;
  let idleTimer = null;

  function show(part) {
    for (const id of ["idle", "rate", "why", "thanks"]) $(id).hidden = id !== part;
    document.body.dataset.showing = part;
  }

  function render() {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    $("lang").textContent = T.other;
    $("lost").textContent = T.lost;
    $("idle-ask").textContent = T.ask;
    $("rate-ask").textContent = T.ask;
    $("why-ask").textContent = T.whyAsk;
    $("comment").placeholder = T.comment;
    $("why-back").textContent = T.back;
    $("why-send").textContent = T.send;
    $("thanks").textContent = T.thanks;
    const levels = $("levels");
    levels.replaceChildren();
    for (const n of [5, 4, 3, 2, 1]) {
      const button = el("button", "level", T.levels[n]);
      button.type = "button";
      button.dataset.level = String(n);
      button.addEventListener("click", () => pick(n));
      levels.append(button);
    }
    if (!view) return;
    $("window-name").textContent = view.window_name;
    $("window-no").textContent = T.window(view.window_no);
    $("photo").textContent = view.clerk_name ? view.clerk_name.slice(0, 1) : "";
    $("clerk").textContent = T.clerk(view.clerk_name);
    const reasons = $("reasons");
    reasons.replaceChildren();
    for (const code of view.bad_reasons) {
      const button = el("button", "reason", T.reasons[code] || code);
      button.type = "button";
      button.dataset.reason = code;
      button.setAttribute("aria-pressed", String(chosen.has(code)));
      button.addEventListener("click", () => {
        if (chosen.has(code)) chosen.delete(code); else chosen.add(code);
        button.setAttribute("aria-pressed", String(chosen.has(code)));
        $("said").textContent = "";
      });
      reasons.append(button);
    }
  }

  // What the central says now decides the screen (unless the citizen is mid-way or thanked).
  function follow() {
    if (thanking) return;
    const service = view && view.service && !rated.has(view.service.ticket_id) ? view.service : null;
    const showing = document.body.dataset.showing;
    if (!service) {
      reset();
      show("idle");
    } else if (showing === "idle" || document.body.dataset.ticket !== String(service.ticket_id)) {
      reset();
      document.body.dataset.ticket = String(service.ticket_id);
      key = CounterDevice.newKey();
      show("rate");
      armIdle();
    }
  }

  function reset() {
    level = null;
    chosen = new Set();
    $("comment").value = "";
    $("said").textContent = "";
    clearTimeout(idleTimer);
    if (lang !== DEFAULT_LANG) { lang = DEFAULT_LANG; T = TEXTS[lang]; render(); }
  }

  function armIdle() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => { view.service = null; follow(); }, IDLE_MS);
  }

  // Answers can overtake one another: only the newest request's answer is shown.
  let asked = 0;
  async function refresh() {
    const mine = ++asked;
    try {
      const answer = await CounterDevice.api("/v1/pad");
      if (mine !== asked) return;
      view = answer;
      render();
      follow();
    } catch (_) { /* the next event or reconnect refreshes */ }
  }

  let soon = null;
  function refreshSoon() {
    clearTimeout(soon);
    soon = setTimeout(refresh, 150); // a burst of events (call, start, finish): one read
  }

  function pick(n) {
    level = n;
    armIdle();
    if (n <= 2) {
      render();
      show("why");
    } else {
      send();
    }
  }

  let sending = false;
  async function send() {
    if (sending || !view || !view.service) return;
    if (level <= 2 && chosen.size === 0) {
      $("said").textContent = T.needReason;
      return;
    }
    sending = true;
    const body = {
      ticket_id: view.service.ticket_id, level, reasons: level <= 2 ? [...chosen] : [],
      comment: level <= 2 ? $("comment").value.trim() : "", channel: "pad",
    };
    try {
      await CounterDevice.send("/v1/ratings", body, key);
      thank(body.ticket_id);
    } catch (err) {
      if (err.status === 409) thank(body.ticket_id); // rated already (一次一评)
      else $("said").textContent = T.failed;
    } finally {
      sending = false;
    }
  }

  function thank(ticketId) {
    rated.add(ticketId);
    clearTimeout(idleTimer);
    thanking = true;
    show("thanks");
    setTimeout(() => { thanking = false; reset(); refresh(); }, THANKS_MS);
  }

  $("lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    T = TEXTS[lang];
    render();
  });
  $("why-back").addEventListener("click", () => { show("rate"); armIdle(); });
  $("why-send").addEventListener("click", send);
  $("comment").addEventListener("input", armIdle);
  CounterDevice.runTouchPage({
    kind: "pad", texts: TEXTS[DEFAULT_LANG], types: ["window.changed", "rating.received"],
    begin: () => { render(); show("idle"); setInterval(refresh, 30000); }, // a stale offer goes idle
    refresh,
    onEvent: (type, event) => {
      if (view && view.windows.includes(event.window_no)) refreshSoon();
    },
  });
})();
