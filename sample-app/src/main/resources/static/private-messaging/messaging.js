// The private-messaging guide's client (part IV), without a framework. The server keeps the session: this page
// keeps only its sessionID (localStorage), so a reload or a reconnection to another node is the same user.
const socket = io("/private-messaging", { autoConnect: false });
const $ = (id) => document.getElementById(id);
const users = new Map(); // userID -> { userID, username, connected, self, messages, hasNewMessages }
let selected = null;

function start(auth) {
  socket.auth = auth;
  socket.connect();
}

const stored = localStorage.getItem("sessionID");
if (stored) {
  start({ sessionID: stored });
  $("app").hidden = false;
} else {
  $("login").hidden = false;
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  const username = $("username").value.trim();
  if (!username) return;
  $("login").hidden = true;
  $("app").hidden = false;
  start({ username });
});

socket.on("session", ({ sessionID, userID }) => {
  socket.auth = { sessionID };           // reconnections restore the session
  localStorage.setItem("sessionID", sessionID);
  socket.userID = userID;
});

socket.on("connect_error", (error) => {
  if (error.message === "invalid username") {
    localStorage.removeItem("sessionID");
    $("app").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = "Choose another username";
  }
});

function self() {
  return users.get(socket.userID);
}

socket.on("connect", () => {
  if (self()) { self().connected = true; render(); }
});

socket.on("disconnect", () => {
  for (const user of users.values()) if (user.self) user.connected = false;
  render();
});

socket.on("users", (list) => {
  for (const user of list) {
    const existing = users.get(user.userID);
    users.set(user.userID, {
      ...user,
      self: user.userID === socket.userID,
      hasNewMessages: existing ? existing.hasNewMessages : false,
    });
  }
  render();
});

socket.on("user connected", (user) => {
  const existing = users.get(user.userID);
  if (existing) existing.connected = true;
  else users.set(user.userID, { ...user, self: false, hasNewMessages: false });
  render();
});

socket.on("user disconnected", (userID) => {
  const user = users.get(userID);
  if (user) { user.connected = false; render(); }
});

socket.on("private message", ({ content, from, to }) => {
  const peer = users.get(from === socket.userID ? to : from);
  if (!peer) return;
  peer.messages.push({ content, from, to });
  if (peer !== selected) peer.hasNewMessages = true;
  render();
});

$("compose").addEventListener("submit", (event) => {
  event.preventDefault();
  const content = $("input").value.trim();
  if (!content || !selected) return;
  socket.emit("private message", { content, to: selected.userID });
  selected.messages.push({ content, from: socket.userID, to: selected.userID });
  $("input").value = "";
  render();
});

$("input").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    $("compose").requestSubmit();
  }
});

function select(user) {
  selected = user;
  user.hasNewMessages = false;
  render();
}

function render() {
  const sorted = [...users.values()].sort((a, b) =>
    a.self ? -1 : b.self ? 1 : a.username.localeCompare(b.username));
  $("users").replaceChildren(...sorted.map((user) => {
    const li = document.createElement("li");
    li.dataset.userId = user.userID;
    li.className = (user.connected ? "online" : "offline") + (user === selected ? " selected" : "");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = user.username + (user.self ? " (yourself)" : "");
    const status = document.createElement("span");
    status.className = "status";
    status.textContent = user.connected ? "online" : "offline";
    li.append(name, status);
    if (user.hasNewMessages) {
      const badge = document.createElement("span");
      badge.className = "new";
      badge.textContent = "!";
      li.prepend(badge);
    }
    li.addEventListener("click", () => select(user));
    return li;
  }));
  $("compose").hidden = !selected;
  if (!selected) return;
  $("peer-name").textContent = selected.username;
  $("peer-status").textContent = selected.connected ? "online" : "offline";
  $("messages").replaceChildren(...selected.messages.map((message, index) => {
    const li = document.createElement("li");
    const previous = selected.messages[index - 1];
    if (!previous || previous.from !== message.from) {
      const sender = document.createElement("span");
      sender.className = "sender";
      sender.textContent = message.from === socket.userID ? "(yourself)" : selected.username;
      li.append(sender);
    }
    li.append(document.createTextNode(message.content));
    return li;
  }));
}
