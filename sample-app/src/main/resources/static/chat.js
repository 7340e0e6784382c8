// The Socket.IO chat tutorial's page, talking to the Socketeer sample (dev.socketeer.sample.chat.ChatConfiguration).
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

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  nickname = $('nickname').value.trim();
  if (!nickname) return;
  $('login').hidden = true;
  $('chat').hidden = false;
  // the nickname travels in the handshake (also on reconnections): the server joins the socket in its connection
  // listener; a 'join' emitted on 'connect' could reach the server before that listener has registered for it
  socket.auth = { nickname };
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

socket.on('connect', () => {
  $('status').textContent = `connected (${socket.io.engine.transport.name})`;
  socket.io.engine.once('upgrade', (t) => { $('status').textContent = `connected (${t.name})`; });
});
socket.on('disconnect', (reason) => { $('status').textContent = `disconnected: ${reason}`; });
socket.on('history', (messages) => {
  $('messages').replaceChildren();
  messages.forEach(addMessage);
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
