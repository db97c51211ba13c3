// The demo page: binds the demo master's ControlUnit (and its item list, when the master shares
// one) to the page through doppel.js. The page is served by the master, so the WebSocket goes to
// the same host; the token comes from this page's own URL (?token=...).
import { Node, ReplicaState } from './doppel.js';

const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.search).get('token') ?? '';
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/?token=${encodeURIComponent(token)}`;
const stateNames = ['Uninitialized', 'Default', 'Valid', 'Suspect', 'SignatureMismatch'];

const node = new Node({ reconnectMs: 250, maxReconnectMs: 2000 });
const unit = node.acquireDynamic('ControlUnit');

function showState(s) {
  const badge = $('conn');
  badge.textContent = stateNames[s];
  badge.className = `badge ${stateNames[s]}`;
  for (const b of document.querySelectorAll('button')) b.disabled = s !== ReplicaState.Valid;
}
unit.on('state', showState);

function render(name, value) {
  switch (name) {
    case 'status': $('status').textContent = value; break;
    case 'temperature':
      $('temperature').textContent = Number(value).toFixed(1);
      $('temperature-bar').style.width = `${Math.max(0, Math.min(100, value))}%`;
      break;
    case 'running':
      $('running').checked = value;
      $('running-text').textContent = value ? 'yes' : 'no';
      break;
    case 'speed':
      $('speed').textContent = value;
      if (document.activeElement !== $('speed-range')) $('speed-range').value = value;
      break;
    case 'alarmThreshold': $('threshold').textContent = `${value} °C`; break;
  }
}
unit.on('changed', (name, value) => render(name, value));

unit.onSignal('alarm', (message) => {
  const li = document.createElement('li');
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = new Date().toLocaleTimeString();
  li.append(time, message);
  $('alarms').prepend(li);
});

$('start').onclick = () => unit.call('start');
$('stop').onclick = () => unit.call('stop');
$('reset').onclick = async () => {
  const previous = await unit.call('reset', Number($('reset-value').value));
  $('reset-result').textContent = `→ returned ${previous}`;
};
$('running').onchange = (e) => unit.set('running', e.target.checked);
$('speed-range').onchange = (e) => unit.set('speed', Number(e.target.value));

// The item list: a model ("MyModel") and the object carrying its API ("ModelAPI"), when shared.
let model;
let api;
function bindItems() {
  if (model) return;
  model = node.acquireModel('MyModel', { window: { first: 0, count: 200 } });
  api = node.acquireDynamic('ModelAPI');
  $('items-card').hidden = false;
  const draw = () => {
    const ul = $('items');
    ul.replaceChildren();
    for (let i = 0; i < model.rowCount; i++) {
      const row = model.row(i);
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = row ? String(row.name ?? row.display ?? '') : '…';
      if (row?.done) name.className = 'done';
      const by = document.createElement('span');
      by.className = 'by';
      by.textContent = row?.createdBy ? String(row.createdBy) : '';
      li.append(name, by);
      ul.append(li);
    }
    $('item-count').textContent = `(${model.rowCount})`;
  };
  for (const e of ['reset', 'rows', 'inserted', 'removed']) model.on(e, draw);
  $('add-form').onsubmit = async (e) => {
    e.preventDefault();
    const name = $('item-name').value.trim();
    if (!name) return;
    const m = api.definition?.methods.find((x) => x.name === 'addItem');
    await (m && m.parameterTypes.length > 1 ? api.call('addItem', name, 'browser') : api.call('addItem', name));
    $('item-name').value = '';
  };
}
node.on('objects', (_url, objects) => {
  if (objects.some((o) => o.name === 'MyModel')) bindItems();
});

node.on('error', (_url, e) => console.warn('doppel:', e.message));
showState(unit.state);
fetch('doppel.js').then((r) => r.arrayBuffer()).then((b) => ($('size').textContent = `(${(b.byteLength / 1024).toFixed(1)} KB minified)`), () => {});
node.connect(wsUrl);
window.doppelNode = node; // for the console and the end-to-end tests
