/** Webview entry of the dataset preview panel: says `ready`, then renders whatever whole state the host pushes. */
import './preview.css';
import {
  isHostMessage,
  isPersistedPreview,
  type HostMessage,
  type PersistedPreview,
  type PreviewState,
  type PreviewTab,
  type WebviewMessage,
} from '../../src/extension/preview/contract';
import { hostChannel } from '../shared/channel';
import { ExploreView } from './explore';
import { ProfileView } from './profile';
import { shapeText } from './format';
import { DataTable } from './table';

const channel = hostChannel<HostMessage, WebviewMessage, PersistedPreview>(isHostMessage, { type: 'ready' });
const post = channel.post;
let current: PreviewState | undefined;
let offset = 0;

function persist(): void {
  if (current) channel.persist({ filePath: current.filePath, tab: current.tab, offset });
}

const app = document.getElementById('app') ?? document.body;
const header = document.createElement('header');
const title = document.createElement('h1');
const shape = document.createElement('span');
shape.className = 'shape';
const tabs = document.createElement('nav');
tabs.className = 'tabs';
const tabButtons = new Map<PreviewTab, HTMLButtonElement>();
for (const [tab, label] of [
  ['data', 'Data'],
  ['profile', 'Profile'],
] as const) {
  const button = document.createElement('button');
  button.textContent = label;
  button.dataset.tab = tab;
  button.addEventListener('click', () => post({ type: 'tab', tab }));
  tabButtons.set(tab, button);
  tabs.append(button);
}
const errorBox = document.createElement('div');
errorBox.className = 'error';
errorBox.setAttribute('role', 'alert');
const warnings = document.createElement('ul');
warnings.className = 'warnings';
header.append(title, shape, tabs);

const table = new DataTable(post, (value) => {
  offset = value;
  persist();
});
const profile = new ProfileView(post);
const explore = new ExploreView(post);
app.append(header, errorBox, warnings, table.root, explore.root, profile.root);

const restored = channel.restored();
if (isPersistedPreview(restored)) {
  offset = restored.offset;
  table.restore(offset);
}

function render(state: PreviewState): void {
  current = state;
  title.textContent = state.fileName;
  shape.textContent = shapeText(state);
  for (const [tab, button] of tabButtons) {
    button.classList.toggle('active', tab === state.tab);
    button.setAttribute('aria-pressed', String(tab === state.tab));
  }
  errorBox.textContent = state.error ?? '';
  errorBox.hidden = !state.error;
  warnings.replaceChildren(
    ...(state.schema?.warnings ?? []).map((warning) => {
      const li = document.createElement('li');
      li.textContent = warning;
      return li;
    }),
  );
  table.root.hidden = state.tab !== 'data';
  profile.root.hidden = state.tab !== 'profile';
  explore.root.hidden = state.tab !== 'profile';
  document.body.dataset.tab = state.tab;
  document.body.dataset.total = String(state.total);
  if (state.tab === 'data') table.update(state);
  else {
    profile.update(state);
    explore.update(state);
  }
  persist();
}

channel.connect((message) => render(message.state));
