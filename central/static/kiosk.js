// The ticket kiosk (取号机): the hall's queues with their waiting counts, one tap issues one
// ticket (a queue at its daily cap says so and issues nothing), the green channel chosen on
// screen, appointments checked in by booking code or phone, and the slip printed by the
// browser in a ticket-sized layout. zh by default, en switchable; touch and mouse alike.
// Address options: ?lang=en  &print=0 (show the slip without asking the browser to print)
"use strict";

(() => {
  const params = new URLSearchParams(location.search);
  const DEFAULT_LANG = CounterDevice.language(params);
  const autoPrint = params.get("print") !== "0";
  const TEXTS = {
    zh: {
      signInTitle: "取号机登录", account: "设备账号（如 kiosk01）", password: "密码", signIn: "登录",
      unreachable: "连接不上服务器，请检查网络。", other: "English",
      prompt: "请选择要办理的业务，点一下取号", waiting: (n) => `等候 ${n} 人`,
      full: "今日号已发完", green: "绿色通道", greenOn: "绿色通道 ✓",
      greenNote: "65 岁以上老人、残疾人、孕妇可选；请向窗口出示证件，由工作人员确认。",
      appointment: "预约签到", checkInTitle: "预约签到",
      checkInHelp: "请输入预约码（6 位）或预约手机号", cancel: "返回", ok: "签到", del: "删除",
      kind: {walk_in: "", green: "绿色通道", appointment: "预约"},
      ahead: (n) => `您前面还有 ${n} 人`, issued: (t) => `取号时间 ${t}`,
      slot: (t) => `预约时段 ${t}`, greenCheck: "请向窗口出示相关证件", done: "完成",
      lost: "连接中断，正在自动重连…", busy: "正在出号，请稍候…",
      reasons: {
        queue_issued_all_tickets_today: (p) => `${p.name} 今日号已发完，请改日预约办理。`,
        appointment_slot_not_yet: (p) => `您的预约时段 ${p.start} 开始，请 ${p.opens} 后再来签到。`,
        appointment_slot_passed: (p) => `您的预约时段已于 ${p.end} 结束，请现场取号。`,
        appointment_checked_in_already: (p) => `该预约已签到，号码 ${p.number}。`,
        no_appointment_code: () => "没有找到这个预约码，请核对后重试。",
        no_appointment_phone: () => "今天没有这个手机号的预约。",
        invalid: () => "请输入 6 位预约码或 11 位手机号。",
      },
      failed: "出号失败，请重试或咨询导办人员。",
    },
    en: {
      signInTitle: "Kiosk sign-in", account: "Device account (e.g. kiosk01)", password: "Password",
      signIn: "Sign in", unreachable: "Cannot reach the server; check the network.", other: "中文",
      prompt: "Tap a service to take a ticket", waiting: (n) => `${n} waiting`,
      full: "No more tickets today", green: "Green channel", greenOn: "Green channel ✓",
      greenNote: "For people over 65, people with disabilities and pregnant women; show your papers at the window.",
      appointment: "Appointment check-in", checkInTitle: "Appointment check-in",
      checkInHelp: "Type your 6-digit booking code or the phone number you booked with",
      cancel: "Back", ok: "Check in", del: "Delete",
      kind: {walk_in: "", green: "Green channel", appointment: "Appointment"},
      ahead: (n) => `${n} ahead of you`, issued: (t) => `Issued at ${t}`,
      slot: (t) => `Appointment at ${t}`, greenCheck: "Please show your papers at the window",
      done: "Done", lost: "Connection lost — reconnecting…", busy: "Printing your ticket…",
      reasons: {
        queue_issued_all_tickets_today: (p) => `${p.name}: all of today's tickets are taken; please book for another day.`,
        appointment_slot_not_yet: (p) => `Your slot starts at ${p.start}; check in from ${p.opens}.`,
        appointment_slot_passed: (p) => `Your slot ended at ${p.end}; please take a walk-in ticket.`,
        appointment_checked_in_already: (p) => `Checked in already: ticket ${p.number}.`,
        no_appointment_code: () => "No appointment has this code; please check it.",
        no_appointment_phone: () => "No appointment today for this phone number.",
        invalid: () => "Type the 6-digit code or the 11-digit phone number.",
      },
      failed: "The ticket could not be issued; try again or ask the hall's guide.",
    },
  };
  let lang = DEFAULT_LANG;
  let T = TEXTS[lang];

  const $ = (id) => document.getElementById(id);
  const el = CounterDevice.element;
  let view = null; // GET /v1/kiosk
  let green = false;
  let busy = false; // one tap at a time: a second tap while the first is out issues nothing
  let typed = "";
  let slipTimer = null;

  function say(node, err) {
    const own = err && err.reason && T.reasons[err.reason];
    node.textContent = !err ? "" : own ? own(err.params || {}) : err.status === 0 ? T.unreachable : T.failed;
  }

  // --- the queue list ---------------------------------------------------------------------
  function render() {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    $("lang").textContent = T.other;
    $("prompt").textContent = T.prompt;
    $("green").textContent = green ? T.greenOn : T.green;
    $("green").setAttribute("aria-pressed", String(green));
    $("green-note").textContent = T.greenNote;
    $("appointment").textContent = T.appointment;
    $("lost").textContent = T.lost;
    $("check-in-title").textContent = T.checkInTitle;
    $("check-in-help").textContent = T.checkInHelp;
    $("check-in-cancel").textContent = T.cancel;
    $("check-in-ok").textContent = T.ok;
    $("slip-done").textContent = T.done;
    renderKeypad();
    if (!view) return;
    $("hall").textContent = view.hall;
    const list = $("queues");
    list.replaceChildren();
    for (const q of view.queues) {
      const button = el("button", q.full ? "queue full" : "queue");
      button.type = "button";
      button.dataset.queue = q.prefix;
      button.disabled = q.full;
      button.append(el("span", "prefix", q.prefix), el("span", "name", q.name),
        el("span", "count", q.full ? T.full : T.waiting(q.waiting)));
      button.addEventListener("click", () => take(q));
      const item = el("li");
      item.append(button);
      list.append(item);
    }
  }

  async function refresh() {
    try {
      view = await CounterDevice.api("/v1/kiosk");
      render();
    } catch (_) { /* the next event or reconnect refreshes */ }
  }

  let refreshTimer = null;
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 300);
  }

  // --- issuing ----------------------------------------------------------------------------
  async function take(q) {
    if (busy) return;
    busy = true;
    say($("said"));
    $("said").textContent = T.busy;
    const key = CounterDevice.newKey(); // this tap's key: a retry of it is the same ticket
    const body = {queue: q.prefix, kind: green ? "green" : "walk_in"};
    try {
      const ticket = await sendTwice("/v1/tickets", body, key);
      const slip = await CounterDevice.api(`/v1/kiosk/slips/${ticket.id}`);
      $("said").textContent = "";
      showSlip(slip);
    } catch (err) {
      say($("said"), err);
      busy = false;
      refresh();
    }
  }

  // A lost answer (the link dropped mid-request) is sent once more with the same key.
  async function sendTwice(path, body, key) {
    try {
      return await CounterDevice.send(path, body, key);
    } catch (err) {
      if (err.status !== 0) throw err;
      await new Promise((r) => setTimeout(r, 800));
      return CounterDevice.send(path, body, key);
    }
  }

  function showSlip(slip) {
    const local = (iso) => CounterDevice.hallMinutes(new Date(iso));
    $("slip-hall").textContent = slip.hall;
    $("slip-kind").textContent = T.kind[slip.kind] || "";
    $("slip-number").textContent = slip.number;
    $("slip-queue").textContent = `${slip.queue} ${slip.queue_name}`;
    $("slip-ahead").textContent = T.ahead(slip.ahead);
    $("slip-time").textContent = slip.appointment_at
      ? `${T.issued(local(slip.issued_at))} · ${T.slot(local(slip.appointment_at))}`
      : T.issued(local(slip.issued_at));
    $("slip-bring").textContent = slip.bring || "";
    $("slip-green").textContent = slip.kind === "green" ? T.greenCheck : "";
    $("slip").dataset.number = slip.number;
    $("slip").hidden = false;
    document.body.classList.add("printing-slip");
    if (autoPrint) setTimeout(() => window.print(), 50); // the box's browser prints silently
    clearTimeout(slipTimer);
    slipTimer = setTimeout(closeSlip, 12000);
  }

  function closeSlip() {
    clearTimeout(slipTimer);
    $("slip").hidden = true;
    document.body.classList.remove("printing-slip");
    green = false;
    lang = DEFAULT_LANG; // the next citizen starts in the hall's language
    T = TEXTS[lang];
    busy = false;
    render();
    refresh();
  }

  // --- appointment check-in ---------------------------------------------------------------
  function renderKeypad() {
    const pad = $("keypad");
    pad.replaceChildren();
    for (const key of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0"]) {
      const button = el("button", key === "del" ? "key secondary" : "key", key === "del" ? T.del : key);
      button.type = "button";
      button.dataset.key = key;
      button.addEventListener("click", () => {
        typed = key === "del" ? typed.slice(0, -1) : (typed + key).slice(0, 11);
        $("typed").textContent = typed;
        $("check-in-said").textContent = "";
      });
      pad.append(button);
    }
    $("typed").textContent = typed;
  }

  function openCheckIn() {
    if (busy) return;
    typed = "";
    $("typed").textContent = "";
    $("check-in-said").textContent = "";
    $("check-in").hidden = false;
  }

  let checkInKey = null;
  async function checkIn() {
    if (busy) return;
    const isPhone = /^1[3-9]\d{9}$/.test(typed);
    if (!isPhone && !/^\d{6}$/.test(typed)) {
      $("check-in-said").textContent = T.reasons.invalid();
      return;
    }
    busy = true;
    checkInKey = checkInKey || CounterDevice.newKey();
    try {
      const slip = await sendTwice("/v1/appointments/check-in", isPhone ? {phone: typed} : {code: typed}, checkInKey);
      checkInKey = null;
      $("check-in").hidden = true;
      showSlip(slip);
    } catch (err) {
      checkInKey = null;
      busy = false;
      say($("check-in-said"), err);
    }
  }

  // --- start ------------------------------------------------------------------------------
  $("lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    T = TEXTS[lang];
    render();
  });
  $("green").addEventListener("click", () => { green = !green; render(); });
  $("appointment").addEventListener("click", openCheckIn);
  $("check-in-cancel").addEventListener("click", () => { $("check-in").hidden = true; });
  $("check-in-ok").addEventListener("click", checkIn);
  $("slip-done").addEventListener("click", closeSlip);
  CounterDevice.runTouchPage({
    kind: "kiosk", texts: TEXTS[DEFAULT_LANG], types: ["queue.changed"],
    begin: render, refresh, onEvent: refreshSoon,
  });
})();
