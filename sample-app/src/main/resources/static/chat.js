// The Socket.IO chat tutorial's page, talking to the Socketeer sample (dev.socketeer.sample.chat.ChatController).
const socket = io({ autoConnect: false });
const $ = (id) => document.getElementById(id);
const typers = new Set();
let nickname = null;
let typing = false;
let typingTimer = null;
let onlineVersion = -1;

function addMessage({ nickname: who, text }, direct = false) {
  const item = document.createElement('li');
  if (direct) item.className = 'direct';
  const name = document.createElement('span');
  name.className = 'who';
  name.textContent = who;
  item.append(name, document.createTextNode(text));
  $('messages').append(item);
  $('messages').scrollTop = $('messages').scrollHeight;
}

function showTypers() {
  const names = [...typers];
  $('typing').textContent = names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
}

function showLogin(error) {
  socket.disconnect();
  $('chat').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = error;
  $('nickname').focus();
}

// The server decides who the page is: it signs a token for the nickname (POST /api/session), the page sends that
// token in the handshake's auth payload (also on reconnections), and the server's middleware checks it; a nickname
// another session is connected under is refused (409 here, or "nickname taken" on connecting).
$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const wanted = $('nickname').value.trim();
  if (!wanted) return;
  $('login-error').textContent = '';
  let answer;
  try {
    const response = await fetch('api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ nickname: wanted }),
    });
    answer = await response.json();
    if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
  } catch (error) {
    $('login-error').textContent = error.message;
    return;
  }
  nickname = answer.nickname;
  $('login').hidden = true;
  $('chat').hidden = false;
  socket.auth = { token: answer.token };
  socket.connect();
  $('input').focus();
});

$('compose').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('input').value.trim();
  if (!text) return;
  socket.emit('chat message', text);
  $('input').value = '';
  typing = false;
  socket.emit('stop typing');
});

$('input').addEventListener('input', () => {
  if (!typing) {
    typing = true;
    socket.emit('typing');
  }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    typing = false;
    socket.emit('stop typing');
  }, 1500);
});

// socket.recovered: connection state recovery (profile "streams") brought the socket back after a drop, possibly on
// another node, with its id and rooms; the messages missed meanwhile arrived before this 'connect', and no history
// follows. Otherwise the server sends the whole history, which replaces the list.
function showStatus(transport) {
  $('status').textContent = `connected (${transport})${socket.recovered ? ', recovered' : ''}`;
}
socket.on('connect', () => {
  showStatus(socket.io.engine.transport.name);
  socket.io.engine.once('upgrade', (t) => showStatus(t.name));
});
socket.on('disconnect', (reason) => { $('status').textContent = `disconnected: ${reason}`; });
// refused by the server's middleware ("unauthorized", "nickname taken"): the client does not retry by itself
socket.on('connect_error', (error) => {
  if (!socket.active) showLogin(error.message === 'nickname taken' ? `"${nickname}" is taken` : error.message);
});
socket.on('history', (messages) => {
  $('messages').replaceChildren();
  // not forEach(addMessage): forEach passes the index as the second argument, which addMessage reads as 'direct'
  messages.forEach((message) => addMessage(message));
});
socket.on('chat message', (message) => {
  typers.delete(message.nickname);
  showTypers();
  addMessage(message);
});
socket.on('typing', (who) => { typers.add(who); showTypers(); });
socket.on('stop typing', (who) => { typers.delete(who); showTypers(); });
socket.on('direct message', (message) => addMessage(message, true));
// the whole list with a version: lists computed concurrently may arrive out of order, keep only the newest
socket.on('online', ({ version, names }) => {
  if (version <= onlineVersion) return;
  onlineVersion = version;
  $('online').replaceChildren(...names.map((name) => {
    const item = document.createElement('li');
    item.textContent = name;
    return item;
  }));
});
