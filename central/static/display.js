// The hall display board (叫号屏): the latest call in large digits with its window, the last
// calls (a repeated call moves to the top and flashes), waiting per queue, the hall's name, a
// clock in minutes, and a "connection lost" state that recovers by itself. Each call plays the
// audio the central renders (chime, then the sentence), one after another, never cut off.
// Address options: ?lang=zh|en  &queues=A,F  &windows=1-5,8  &n=8 (recent calls)  &voice=0
"use strict";

(() => {
  const params = new URLSearchParams(location.search);
  const lang = (params.get("lang") || (navigator.language || "zh").slice(0, 2)) === "en" ? "en" : "zh";
  const TEXT = {
    zh: {
      signInTitle: "叫号屏登录", account: "设备账号（如 display01）", password: "密码", signIn: "登录",
      unreachable: "连接不上服务器，请检查网络。", latest: "请", window: (w) => `${w} 号窗口`,
      please: (t, w) => `请 ${t} 号到 ${w} 号窗口办理`, recent: "最近叫号", waiting: "等候人数",
      waitingN: (n) => `${n} 人`, lost: "连接中断，正在自动重连…", sound: "点击开启声音",
      zone: (q, w) => [q && `业务 ${q}`, w && `窗口 ${w}`].filter(Boolean).join(" · "),
      voiceOff: (note) => `语音关闭：${note.replace(/^voice off: /, "")}`, none: "—",
    },
    en: {
      signInTitle: "Display sign-in", account: "Device account (e.g. display01)", password: "Password",
      signIn: "Sign in", unreachable: "Cannot reach the server; check the network.", latest: "Now calling",
      window: (w) => `Window ${w}`, please: (t, w) => `Number ${t}, please go to window ${w}`,
      recent: "Recent calls", waiting: "Waiting", waitingN: (n) => `${n}`,
      lost: "Connection lost — reconnecting…", sound: "Click to enable sound",
      zone: (q, w) => [q && `queues ${q}`, w && `windows ${w}`].filter(Boolean).join(" · "),
      voiceOff: (note) => note, none: "—",
    },
  }[lang];
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";

  // Zone filters: a zone board shows only its queues and windows.
  const queueFilter = (params.get("queues") || "").toUpperCase().split(",").map((s) => s.trim()).filter(Boolean);
  const windowFilter = [];
  for (const part of (params.get("windows") || "").split(",")) {
    const m = part.trim().match(/^(\d+)(?:-(\d+))?$/);
    if (m) windowFilter.push([Number(m[1]), Number(m[2] || m[1])]);
  }
  const inZone = (a) =>
    (!queueFilter.length || queueFilter.includes(a.queue)) &&
    (!windowFilter.length || windowFilter.some(([lo, hi]) => a.window_no >= lo && a.window_no <= hi));
  const RECENT = Math.max(1, Math.min(20, Number(params.get("n")) || 8));
  const voiceWanted = params.get("voice") !== "0";

  const $ = (id) => document.getElementById(id);
  const el = CounterDevice.element;
  let cursor = null;
  let recent = []; // newest first: {ticket, window_no, recall, id}
  let queueNames = {};
  let started = false;

  // --- the board ------------------------------------------------------------------------
  function showLatest(a, flash) {
    $("latest-label").textContent = a ? TEXT.latest : "";
    $("latest-ticket").textContent = a ? a.ticket : TEXT.none;
    $("latest-window").textContent = a ? TEXT.window(a.window_no) : "";
    const box = $("latest-ticket").parentElement;
    box.dataset.announcement = a ? String(a.id) : "";
    box.setAttribute("aria-label", a ? TEXT.please(a.ticket, a.window_no) : "");
    if (flash) restartFlash(box);
  }

  function restartFlash(node) {
    node.classList.remove("flash");
    void node.offsetWidth; // restart the animation
    node.classList.add("flash");
  }

  function showRecent(flashTicket) {
    const list = $("recent");
    list.replaceChildren();
    for (const a of recent.slice(1, RECENT + 1)) {
      const item = el("li", a.recall ? "recall" : "");
      item.dataset.ticket = a.ticket;
      item.append(el("span", "num", a.ticket), el("span", "win", TEXT.window(a.window_no)));
      if (a.ticket === flashTicket) restartFlash(item);
      list.append(item);
    }
    fitRecent();
  }

  // Whole lines only: a call the panel's edge would cut is left off, and the older ones after it.
  function fitRecent() {
    const panel = $("recent").parentElement;
    const limit = panel.getBoundingClientRect().bottom - parseFloat(getComputedStyle(panel).paddingBottom);
    let full = false;
    for (const item of $("recent").children) {
      item.hidden = false;
      full = full || item.getBoundingClientRect().bottom > limit + 1;
      item.hidden = full;
    }
  }
  window.addEventListener("resize", fitRecent);

  function take(a, live) {
    if (!inZone(a)) return;
    const again = recent.some((r) => r.ticket === a.ticket);
    recent = [a, ...recent.filter((r) => r.ticket !== a.ticket)].slice(0, RECENT + 1);
    if (live) {
      showLatest(a, true);
      showRecent(again ? a.ticket : null);
      speak(a);
    }
  }

  async function catchUp() {
    try {
      let page;
      do {
        page = await CounterDevice.api(`/v1/announcements?after=${cursor}&limit=50`);
        for (const a of page.announcements) take(a, true);
        cursor = page.last_id;
        showVoice(page);
      } while (page.announcements.length === 50);
    } catch (_) { /* the next event or reconnect catches up */ }
  }

  // Back after a loss. When the central's feed now ends below the board's cursor (it came
  // back on a new or restored database), the board starts over from that feed: asking only
  // for calls after the old cursor would never show a call again. Else it catches up.
  async function resync() {
    let latest;
    try {
      latest = await CounterDevice.api(`/v1/announcements?limit=50`);
    } catch (_) {
      return; // the next event or reconnect tries again
    }
    if (cursor === null || latest.last_id >= cursor) {
      await catchUp();
      return;
    }
    recent = [];
    for (const a of latest.announcements) take(a, false);
    cursor = latest.last_id;
    showLatest(recent[0], false);
    showRecent(null);
    showVoice(latest);
  }

  // One catch-up at a time: an answer for the old cursor must not land after a start-over.
  let syncing = Promise.resolve();
  function inTurn(step) {
    syncing = syncing.then(step, step);
    return syncing;
  }

  let queuesTimer = null;
  function refreshQueuesSoon() {
    clearTimeout(queuesTimer);
    queuesTimer = setTimeout(refreshQueues, 300); // a burst of events: one fetch
  }

  async function refreshQueues() {
    try {
      const stats = await CounterDevice.api("/v1/queues");
      const list = $("waiting");
      list.replaceChildren();
      for (const q of stats.queues) {
        if (queueFilter.length && !queueFilter.includes(q.prefix)) continue;
        const item = el("li");
        item.dataset.queue = q.prefix;
        item.append(el("span", "", `${q.prefix} ${queueNames[q.prefix] || q.name} `), el("b", "", TEXT.waitingN(q.waiting)));
        list.append(item);
      }
      fitRecent(); // the waiting line may take one more row or one less
    } catch (_) { /* shown again on the next change */ }
  }

  function tick() {
    $("clock").textContent = CounterDevice.hallMinutes(CounterDevice.now());
    const now = CounterDevice.now();
    setTimeout(tick, 60000 - (now.getSeconds() * 1000 + now.getMilliseconds()) + 50);
  }

  function showVoice(page) {
    $("voice-note").textContent = voiceWanted && page.voice === "off" && page.voice_note ? TEXT.voiceOff(page.voice_note) : "";
  }

  // --- voice: one after another, never cut off ------------------------------------------
  const player = new Audio();
  const waiting = [];
  let playing = false;
  let soundBlocked = false;

  function speak(a) {
    if (!voiceWanted) return;
    waiting.push(a.audio);
    if (!playing && !soundBlocked) playNext();
  }

  function playNext() {
    const next = waiting[0];
    if (!next) { playing = false; return; }
    playing = true;
    document.body.dataset.voice = "starting";
    player.src = next;
    player.play().then(
      () => { waiting.shift(); document.body.dataset.voice = "playing"; },
      (err) => {
        playing = false;
        document.body.dataset.voice = err ? err.name : "failed";
        if (err && err.name === "NotAllowedError") {
          soundBlocked = true; // the browser wants a click before any sound
          $("sound").hidden = false;
        } else {
          waiting.shift();
          playNext();
        }
      },
    );
  }
  let played = 0;
  player.addEventListener("ended", () => {
    document.body.dataset.voicePlayed = String(++played); // for the hall's own checks
    playNext();
  });
  player.addEventListener("error", () => { if (playing) playNext(); });
  $("sound").textContent = TEXT.sound;
  $("sound").addEventListener("click", () => {
    soundBlocked = false;
    $("sound").hidden = true;
    if (!playing) playNext();
  });

  // --- start ------------------------------------------------------------------------------
  async function ready() {
    if (started) { location.reload(); return; }
    started = true;
    $("board").hidden = false;
    $("recent-label").textContent = TEXT.recent;
    $("waiting-label").textContent = TEXT.waiting;
    $("zone").textContent = TEXT.zone(queueFilter.join(","), params.get("windows") || "");
    try {
      const hall = await CounterDevice.api("/v1/hall");
      $("hall").textContent = hall.name;
      document.title = `${hall.name} · 叫号屏`;
      for (const q of hall.queues) queueNames[q.prefix] = q.name;
    } catch (_) { /* the name shows after the next reload */ }
    tick();
    const first = await CounterDevice.api(`/v1/announcements?limit=50`).catch(() => null);
    if (first) {
      for (const a of first.announcements) take(a, false);
      cursor = first.last_id;
      showLatest(recent[0], false);
      showRecent(null);
      showVoice(first);
    } else {
      cursor = 0;
    }
    refreshQueues();
    let wasLost = false;
    CounterDevice.follow({
      types: ["ticket.called", "queue.changed", "window.changed"],
      onEvent: (type) => {
        if (type === "ticket.called") inTurn(catchUp);
        else if (type === "queue.changed") refreshQueuesSoon();
      },
      onState: (state) => {
        const lost = state === "lost";
        $("lost").textContent = TEXT.lost;
        $("lost").hidden = !lost;
        $("board").classList.toggle("offline", lost);
        document.body.dataset.connection = state;
        if (!lost && wasLost) { inTurn(resync); refreshQueues(); }
        wasLost = lost;
      },
      onSignedOut: () => { location.reload(); },
    });
  }

  CounterDevice.start("display", TEXT, ready, () => { document.body.dataset.connection = "lost"; });
})();
