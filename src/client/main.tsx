/* @refresh reload */
import { render } from 'solid-js/web';
import { App } from './App.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

/**
 * Inside another site's frame the app does not start: a framing page could steer clicks onto "Pay
 * and run" or "Forget key" (clickjacking). Hosts should also send frame-ancestors / X-Frame-Options
 * (README); this covers those that do not, and the first load before the service worker.
 */
function isFramed(): boolean {
  try {
    return window.top !== window.self;
  } catch {
    return true;
  }
}

if (isFramed()) {
  root.textContent = '';
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');
  message.textContent = 'Cutwise does not run inside another page. ';
  const link = document.createElement('a');
  link.href = location.href;
  link.target = '_top';
  link.rel = 'noopener noreferrer';
  link.textContent = 'Open Cutwise on its own';
  message.append(link);
  root.append(message);
} else {
  render(() => <App />, root);
}
