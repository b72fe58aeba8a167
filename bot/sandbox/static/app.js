// The sandbox page: draws the three chats from /api/state and sends what people do to the API.
"use strict";

const ACTIONS = {
  typing: "typing…", upload_photo: "sending a photo…", upload_document: "sending a file…",
  upload_video: "sending a video…", record_voice: "recording a voice message…",
  upload_voice: "sending a voice message…", choose_sticker: "choosing a sticker…",
  find_location: "finding a location…",
};
const panels = {};
let config = null;
let activeKey = "patient";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "html") node.innerHTML = value;  // only server-sanitised HTML comes here
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

async function post(url, body) {
  const options = body instanceof FormData
    ? { method: "POST", body }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  try {
    const response = await fetch(url, options);
    const answer = await response.json().catch(() => ({ ok: response.ok }));
    if (!response.ok || answer.ok === false) throw new Error(answer.error || response.statusText);
    return answer;
  } catch (error) {
    return { ok: false, error: String(error.message || error) };
  }
}

async function act(key, path, body) {
  const answer = await post(`/api/chats/${key}/${path}`, body);
  if (!answer.ok) toast(key, answer.error, false);
  return answer;
}

function sizeText(bytes) {
  if (!bytes && bytes !== 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function timeText(seconds) {
  if (!seconds) return "";
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function deepLinkPayload(href) {
  if (!config || !href) return null;
  const pattern = new RegExp(`^https?://t\\.me/${config.bot.username}\\?start=([A-Za-z0-9_-]{1,64})$`, "i");
  const match = href.match(pattern);
  return match ? match[1] : null;
}

async function openDeepLink(payload) {
  selectChat("patient", true);
  const answer = await post("/api/deep-link", { payload });
  if (!answer.ok) toast("patient", answer.error, false);
}

// -- drawing messages --------------------------------------------------------------------
function mediaNode(media, kind, caption) {
  if (!media) return null;
  if (kind === "photo") {
    const img = el("img", { className: "photo", src: media.url, alt: caption || "Photo", loading: "lazy" });
    img.addEventListener("click", () => window.open(media.url, "_blank", "noopener"));
    return img;
  }
  const ext = (media.name || "").split(".").pop().toUpperCase().slice(0, 4) || "FILE";
  const icon = el("span", { className: "doc-icon" },
    media.preview ? el("img", { src: media.preview, alt: "" }) : ext);
  return el("a", { className: "doc", href: media.url, download: media.name || "file" }, icon,
    el("span", {}, el("div", { className: "doc-name" }, media.name || "file"),
      el("div", { className: "doc-size" }, [sizeText(media.size), media.mime].filter(Boolean).join(" · "))));
}

function buttonsNode(key, item) {
  if (!item.buttons || !item.buttons.length) return null;
  const box = el("div", { className: "inline-kb" });
  for (const row of item.buttons) {
    const line = el("div", { className: "kb-row" });
    for (const button of row) {
      const node = el("button", { type: "button", className: button.url ? "inline-btn url" : "inline-btn" },
        button.text);
      node.addEventListener("click", () => {
        if (button.data !== undefined) act(key, "tap", { message_id: item.id, data: button.data });
        else if (button.url) {
          const payload = deepLinkPayload(button.url);
          if (payload) openDeepLink(payload); else window.open(button.url, "_blank", "noopener");
        }
      });
      line.append(node);
    }
    box.append(line);
  }
  return box;
}

function albumNode(item) {
  const grid = el("div", { className: `album n${item.items.length}` });
  for (const part of item.items) {
    const caption = part.html ? el("figcaption", { html: part.html }) : null;
    grid.append(el("figure", {}, mediaNode(part.media, part.kind, ""), caption));
  }
  return grid;
}

function buildItem(key, item) {
  if (item.kind === "note") {
    return el("div", { className: "note" }, el("div", { html: item.html }));
  }
  const row = el("div", { className: `row ${item.from}`, "data-id": item.id });
  const hasMedia = item.kind === "album" || item.media;
  const look = hasMedia ? "bubble media" : item.kind === "deleted" ? "bubble deleted" : "bubble";
  const bubble = el("div", { className: look });
  if (item.kind === "album") bubble.append(albumNode(item));
  else if (item.media) bubble.append(mediaNode(item.media, item.kind, ""));
  else if (!item.html) bubble.append(el("div", { className: "text" }, `[${item.kind}]`));
  if (item.html && item.kind !== "album") bubble.append(el("div", { className: "text", html: item.html }));
  const meta = el("span", { className: "meta" }, `${item.edited ? "edited " : ""}${timeText(item.date)}`);
  const last = bubble.lastElementChild;
  if (last && last.classList.contains("text")) last.append(meta); else bubble.append(meta);
  if (item.from === "me" && item.kind === "text" && last && last.classList.contains("text")) {
    // Telegram lets people change a message they sent: the bot gets an edited_message.
    meta.prepend(el("button", { type: "button", className: "edit", title: "Change this message, as Telegram lets you",
      "aria-label": "Edit message", onclick: () => startEdit(key, item.id, last) }, "✎"), " ");
  }
  const buttons = buttonsNode(key, item);
  // As in Telegram, the buttons are as wide as the message above them (or it as wide as they).
  if (buttons) row.append(el("div", { className: "with-kb" }, bubble, buttons));
  else row.append(bubble);
  row.querySelectorAll("img").forEach((img) => img.addEventListener("load", () => {
    if (panels[key].stick) scrollDown(key);
  }));
  return row;
}

function nearBottom(box) {
  return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
}

function scrollDown(key) {
  const box = panels[key].messages;
  box.scrollTop = box.scrollHeight;
}

function renderChat(key, chat) {
  const panel = panels[key];
  const box = panel.messages;
  panel.stick = nearBottom(box);
  const seen = new Set();
  let previous = null;
  let added = false;
  for (const item of chat.messages) {
    seen.add(item.key);
    let node = panel.nodes.get(item.key);
    if (!node || node.dataset.rev !== String(item.rev)) {
      const fresh = buildItem(key, item);
      fresh.dataset.rev = String(item.rev);
      if (node) node.replaceWith(fresh); else added = true;
      node = fresh;
      panel.nodes.set(item.key, node);
    }
    const wanted = previous ? previous.nextSibling : box.firstChild;
    if (wanted !== node) box.insertBefore(node, wanted);
    previous = node;
  }
  for (const [itemKey, node] of panel.nodes) {
    if (!seen.has(itemKey)) { node.remove(); panel.nodes.delete(itemKey); }
  }
  if (added && panel.loaded && key !== activeKey) panel.tab.classList.add("unread");
  if (added || panel.stick) scrollDown(key);
  panel.loaded = true;
  renderKeyboard(key, chat.keyboard);
  renderAction(key, chat.action);
  renderAnswers(key, chat.answers);
}

function renderKeyboard(key, rows) {
  const board = panels[key].keyboard;
  const signature = JSON.stringify(rows || null);
  if (board.dataset.signature === signature) return;
  board.dataset.signature = signature;
  board.replaceChildren();
  board.hidden = !rows;
  for (const row of rows || []) {
    const line = el("div", { className: "kb-row" });
    for (const label of row) {
      line.append(el("button", { type: "button", onclick: () => act(key, "text", { text: label }) }, label));
    }
    board.append(line);
  }
}

function renderAction(key, action) {
  const panel = panels[key];
  clearTimeout(panel.actionTimer);
  const showing = action && ACTIONS[action.action] !== undefined ? ACTIONS[action.action] : null;
  panel.status.textContent = showing || (action ? `${action.action}…` : "bot");
  panel.status.classList.toggle("active", Boolean(action));
  if (action) {
    panel.actionTimer = setTimeout(() => renderAction(key, null), Math.max(0, 5 - action.age) * 1000);
  }
}

function renderAnswers(key, answers) {
  const panel = panels[key];
  for (const answer of answers || []) {
    if (panel.lastAnswer !== undefined && answer.n > panel.lastAnswer && answer.text) {
      toast(key, answer.text, answer.alert);
    }
  }
  const newest = (answers || []).reduce((most, a) => Math.max(most, a.n), -1);
  panel.lastAnswer = Math.max(panel.lastAnswer ?? -1, newest);
}

function toast(key, text, alert) {
  const box = panels[key].toast;
  clearTimeout(box.timer);
  box.replaceChildren(text);
  box.className = alert ? "toast alert" : "toast";
  box.hidden = false;
  if (alert) box.append(el("button", { type: "button", onclick: () => { box.hidden = true; } }, "OK"));
  else box.timer = setTimeout(() => { box.hidden = true; }, 3000);
}

// -- the practice record: what reached the practice's mailbox and MESH --------------------
function partsNode(parts) {
  const list = el("ul", { className: "parts" });
  for (const part of parts) {
    list.append(el("li", {}, el("span", { className: "part-name" }, part.name), " ",
      el("span", { className: "part-size" }, [part.type, sizeText(part.size)].join(" · "))));
  }
  return list;
}

function pdfLink(message) {
  if (!message.pdf) return null;
  return el("a", { className: "record-pdf", href: message.pdf.url, target: "_blank", rel: "noopener" },
    `Open the referral pack (${message.pdf.name})`);
}

function arrivalNode(message) {
  const time = message.received_at ? new Date(message.received_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
  if (message.channel === "email") {
    return el("article", { className: "arrival email", "data-channel": "email" },
      el("div", { className: "arrival-head" }, el("strong", { className: "subject" }, message.subject),
        el("span", { className: "meta" }, time)),
      el("div", { className: "arrival-ids" }, `To ${message.to} · ${sizeText(message.size)} · Message-ID ${message.message_id}`),
      partsNode(message.parts), pdfLink(message));
  }
  return el("article", { className: "arrival mesh", "data-channel": "mesh" },
    el("div", { className: "arrival-head" }, el("strong", {}, `Message ${message.message_id}`),
      el("span", { className: "meta" }, time)),
    el("div", { className: "arrival-ids" },
      `Workflow ${message.workflow_id} · local id ${message.local_id} · ${sizeText(message.size)}, acknowledged`),
    partsNode(message.parts),
    (message.answered || []).length
      ? el("div", { className: "arrival-ids answered" },
        `Answered by the practice's system: ITK ${message.answered.join(", ")} (received, filed in the record)`)
      : null,
    pdfLink(message));
}

function channelNode(title, messages, empty) {
  const box = el("section", { className: "record-channel" }, el("h3", {}, title));
  if (!messages.length) box.append(el("p", { className: "record-empty" }, empty));
  for (const message of messages) box.append(arrivalNode(message));
  return box;
}

function renderRecord(record) {
  const panel = panels.record;
  if (!panel) return;
  const signature = JSON.stringify(record);
  if (panel.signature === signature) return;
  const before = panel.count;
  panel.signature = signature;
  if (!record || !record.available) {
    panel.body.replaceChildren(el("p", { className: "record-empty" },
      `Email and MESH are not running in this sandbox: ${record ? record.problem : "unknown"}.`));
    return;
  }
  panel.count = record.email.messages.length + record.mesh.messages.length;
  panel.body.replaceChildren(
    channelNode(`NHSmail: ${record.email.to}`, record.email.messages,
      "Nothing yet. A case the patient sends arrives here as one email."),
    channelNode(`MESH: mailbox ${record.mesh.mailbox}`, record.mesh.messages,
      "Nothing yet. A case arrives here as a GP Connect Send Document message."));
  if (before !== undefined && panel.count > before && activeKey !== "record") panel.tab.classList.add("unread");
}

function buildRecordPanel() {
  const body = el("div", { className: "record-body", "aria-live": "polite" });
  const section = el("section", { className: "chat record", "data-panel": "record", id: "practice-record" },
    el("div", { className: "who" }, "Practice record", " ", el("span", {}, "· where the case lands in the practice's own systems")),
    body);
  const tab = el("button", { type: "button", role: "tab", "data-tab": "record", onclick: () => selectChat("record") },
    "Practice record");
  document.querySelector(".tabs").append(tab);
  panels.record = { section, body, tab };
  return section;
}

// -- building the page -------------------------------------------------------------------
function samplesNode(key) {
  const list = el("div", { className: "sample-list" });
  for (const sample of config.samples) {
    list.append(el("div", { className: "sample" },
      el("img", { src: sample.url, alt: sample.label }),
      el("div", { className: "label" }, sample.label),
      el("button", { type: "button", "data-sample": sample.name, "data-as": "photo",
        title: "Send as a photo (Telegram recompresses it)",
        onclick: () => act(key, "sample", { name: sample.name, as: "photo" }) }, "Photo"),
      " ",
      el("button", { type: "button", "data-sample": sample.name, "data-as": "file",
        title: "Send as a file (untouched, full size)",
        onclick: () => act(key, "sample", { name: sample.name, as: "file" }) }, "File")));
  }
  return el("details", { className: "samples", open: true },
    el("summary", {}, "Sample photos to try (made up: no real people)"), list);
}

const editing = {};  // chat key -> id of the person's message being changed, while they change it

function wordsOf(textNode) {
  const copy = textNode.cloneNode(true);
  copy.querySelector(".meta")?.remove();
  return copy.textContent;
}

function startEdit(key, messageId, textNode) {
  const section = document.querySelector(`[data-chat="${key}"]`);
  const box = section.querySelector(".composer textarea");
  const bar = section.querySelector(".editing-bar");
  editing[key] = messageId;
  box.value = wordsOf(textNode);
  bar.querySelector(".what").textContent = box.value;
  bar.hidden = false;
  box.focus();
}

function stopEdit(key) {
  delete editing[key];
  const bar = document.querySelector(`[data-chat="${key}"] .editing-bar`);
  if (bar) bar.hidden = true;
}

function composerNode(key) {
  const text = el("textarea", { rows: 1, placeholder: "Message", "aria-label": `Message as ${key}` });
  // Choosing several at once sends them as one album, as a phone's photo picker does.
  const photoInput = el("input", { type: "file", accept: "image/*", multiple: true, hidden: true, className: "file-photo" });
  const fileInput = el("input", { type: "file", multiple: true, hidden: true, className: "file-doc" });
  const menu = el("div", { className: "attach-menu", hidden: true },
    el("button", { type: "button", className: "as-photo", onclick: () => { menu.hidden = true; photoInput.click(); } },
      "Photo", el("small", {}, "compressed, as Telegram does")),
    el("button", { type: "button", className: "as-file", onclick: () => { menu.hidden = true; fileInput.click(); } },
      "File", el("small", {}, "untouched, full size")),
    el("button", { type: "button", className: "as-voice", onclick: () => { menu.hidden = true; act(key, "voice", {}); } },
      "Voice note", el("small", {}, "a short made-up recording")));
  const upload = (input, as) => input.addEventListener("change", async () => {
    const chosen = input.files ? Array.from(input.files) : [];
    if (!chosen.length) return;
    const form = new FormData();
    form.append("as", as);
    for (const one of chosen) form.append("file", one, one.name);
    // Words already typed go with it as its caption, as Telegram's caption box does.
    const caption = text.value.trim();
    if (caption) form.append("caption", caption);
    text.value = "";
    input.value = "";
    await act(key, chosen.length > 1 ? "album" : "upload", form);
  });
  upload(photoInput, "photo");
  upload(fileInput, "file");
  const form = el("form", { className: "composer" },
    el("button", { type: "button", className: "attach", title: "Attach a photo or file (choose several for an album; words typed first go with it as its caption)", "aria-label": "Attach",
      onclick: () => { menu.hidden = !menu.hidden; } }, el("img", { src: "/static/attach.svg", alt: "" })),
    menu, photoInput, fileInput, text,
    el("button", { type: "submit", className: "send" }, "Send"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const words = text.value.trim();
    if (!words) return;
    text.value = "";
    const changing = editing[key];
    stopEdit(key);
    if (changing !== undefined) await act(key, "edit", { message_id: changing, text: words });
    else await act(key, "text", { text: words });
  });
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
    if (event.key === "Escape" && editing[key] !== undefined) { stopEdit(key); text.value = ""; }
  });
  const bar = el("div", { className: "editing-bar", hidden: true },
    el("span", { className: "label" }, "Editing: "), el("span", { className: "what" }),
    el("button", { type: "button", className: "stop-edit", "aria-label": "Stop editing",
      onclick: () => { stopEdit(key); text.value = ""; } }, "×"));
  return el("div", { className: "compose" }, bar, form);
}

function initials(name) {
  return name.split(/\s+/).filter((word) => /^[A-Za-z]/.test(word)).slice(0, 2)
    .map((word) => word[0].toUpperCase()).join("");
}

function buildPanel(person) {
  const key = person.key;
  const status = el("div", { className: "status" }, "bot");
  const messages = el("div", { className: "messages", role: "log", "aria-label": `${person.title} chat` });
  const keyboard = el("div", { className: "keyboard", hidden: true });
  const toastBox = el("div", { className: "toast", hidden: true, role: "status" });
  const section = el("section", { className: "chat", "data-chat": key, id: `chat-${key}` },
    el("div", { className: "who" }, person.title, " ", el("span", {}, `· you are ${person.name}`)),
    el("div", { className: "chat-head" }, el("div", { className: "avatar" }, initials(config.bot.name)),
      el("div", {}, el("div", { className: "title" }, config.bot.name), status)),
    messages, toastBox,
    key === "patient" && config.samples.length ? samplesNode(key) : null,
    keyboard, composerNode(key));
  const tab = el("button", { type: "button", role: "tab", "data-tab": key, onclick: () => selectChat(key) },
    person.title);
  document.querySelector(".tabs").append(tab);
  panels[key] = { section, messages, keyboard, status, toast: toastBox, tab, nodes: new Map(),
    loaded: false, stick: true };
  return section;
}

function selectChat(key, flash) {
  activeKey = key;
  for (const [other, panel] of Object.entries(panels)) {
    const on = other === key;
    panel.section.classList.toggle("active", on);
    panel.tab.setAttribute("aria-selected", String(on));
    if (on) panel.tab.classList.remove("unread");
    // A chat filled while its tab was hidden (a phone shows one at a time) could not scroll:
    // open it at its newest message, as Telegram does.
    if (on && panel.messages && panel.stick !== false) scrollDown(other);
  }
  if (flash) {
    const section = panels[key].section;
    section.classList.remove("flash");
    void section.offsetWidth;
    section.classList.add("flash");
  }
}

document.addEventListener("click", (event) => {
  if (!event.target.closest) return;
  const spoiler = event.target.closest(".spoiler");
  if (spoiler) spoiler.classList.add("open");
  const anchor = event.target.closest("a");
  if (!anchor) return;
  const section = anchor.closest("[data-chat]");
  if (anchor.classList.contains("cmd") && section) {
    event.preventDefault();
    act(section.dataset.chat, "text", { text: anchor.dataset.cmd });
    return;
  }
  const payload = deepLinkPayload(anchor.getAttribute("href"));
  if (payload) {
    event.preventDefault();
    openDeepLink(payload);
  }
});

async function poll() {
  let version = "";
  for (;;) {
    try {
      const response = await fetch(`/api/state?since=${encodeURIComponent(version)}`);
      if (!response.ok) throw new Error(response.statusText);
      const state = await response.json();
      version = state.version;
      for (const [key, chat] of Object.entries(state.chats)) {
        if (panels[key]) renderChat(key, chat);
      }
      renderRecord(state.record);
      document.body.dataset.version = version;
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function main() {
  config = await (await fetch("/api/config")).json();
  const main = document.getElementById("chats");
  for (const person of config.people) main.append(buildPanel(person));
  main.append(buildRecordPanel());
  document.getElementById("about").textContent =
    `${config.practice.name}: a pretend Telegram on this computer. Nothing is sent anywhere.`;
  selectChat(activeKey);
  poll();
}

main();
