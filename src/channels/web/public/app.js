// Web chat page. Plain browser JS, no build step. Every piece of text from the
// user or the server is put into the page with textContent, never as markup.
'use strict';

(function main() {
  const MAX_FRAME_BYTES = 16 * 1024 - 256; // the server closes sockets that send more than 16 KB
  const byId = (id) => document.getElementById(id);
  const log = byId('log');
  const form = byId('ask-form');
  const input = byId('question');
  const status = byId('status');
  const toggle = byId('article-toggle');
  const articleTitle = byId('article-title');
  const articleBody = byId('article-body');
  const narrow = window.matchMedia('(max-width: 899px)');
  const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

  let texts = {
    welcome: 'Hi! Ask me anything about the article.',
    tryAsking: 'You could ask:',
    tooLong: 'That message is too long. Please ask one short question about the article.',
    connecting: 'Connecting…',
    connected: 'Connected',
    offline: 'Not connected; reconnecting… Your question is kept in the box.',
  };
  let socket = null;
  let retries = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- status and connection ----

  function setStatus(text, state) {
    status.textContent = text;
    status.dataset.state = state;
  }

  function connect() {
    // While reconnecting, the status keeps saying "not connected" until the socket opens.
    if (status.dataset.state !== 'offline') setStatus(texts.connecting, 'connecting');
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`);
    socket = ws;
    ws.addEventListener('open', () => {
      retries = 0;
      setStatus(texts.connected, 'online');
    });
    ws.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message && message.type === 'message') showReply(message);
    });
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = null;
      setStatus(texts.offline, 'offline');
      const delay = Math.min(10_000, 500 * 2 ** retries++);
      setTimeout(connect, delay);
    });
  }

  /** Send one frame; false (and nothing lost: the caller keeps the text) when it cannot go. */
  function send(frame) {
    const data = JSON.stringify(frame);
    if (new TextEncoder().encode(data).length > MAX_FRAME_BYTES) {
      showReply({ kind: 'invalid', text: texts.tooLong, source: null, chips: [], chipsLabel: null });
      return false;
    }
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      setStatus(texts.offline, 'offline');
      return false;
    }
    socket.send(data);
    return true;
  }

  // ---- conversation ----

  function append(node) {
    log.append(node);
    log.scrollTop = log.scrollHeight;
  }

  function showQuestion(text) {
    const item = el('div', 'msg msg-user');
    item.append(el('span', 'visually-hidden', 'You: '), el('p', 'msg-text', text));
    append(item);
  }

  function chipList(label, chips) {
    const box = el('div', 'chips-box');
    if (label) box.append(el('p', 'chips-label', label));
    const list = el('div', 'chips');
    for (const chip of chips) {
      const button = el('button', 'chip', chip.question);
      button.type = 'button';
      button.dataset.intent = chip.intent;
      button.addEventListener('click', () => askIntent(chip));
      list.append(button);
    }
    box.append(list);
    return box;
  }

  function sourceBlock(source) {
    const figure = el('figure', 'source');
    figure.append(el('blockquote', 'source-quote', source.sentence));
    const caption = el('figcaption', 'source-caption');
    const link = el('button', 'source-link', source.label);
    link.type = 'button';
    link.setAttribute('aria-label', `Show ${source.label} in the article`);
    link.addEventListener('click', () => citeSentence(source.number, true));
    caption.append(link);
    figure.append(caption);
    return figure;
  }

  function showReply(message) {
    const item = el('div', `msg msg-bot msg-${String(message.kind || 'answer')}`);
    item.append(el('span', 'visually-hidden', 'Bot: '), el('p', 'msg-text', String(message.text ?? '')));
    if (message.source) item.append(sourceBlock(message.source));
    if (Array.isArray(message.chips) && message.chips.length > 0) item.append(chipList(message.chipsLabel, message.chips));
    append(item);
    if (message.source) citeSentence(message.source.number, false);
  }

  function askText(text) {
    if (!send({ type: 'message', text })) return false;
    if (text.trim() !== '') showQuestion(text);
    return true;
  }

  function askIntent(chip) {
    if (send({ type: 'intent', intent: chip.intent })) showQuestion(chip.question);
    input.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (askText(input.value)) input.value = '';
    input.focus();
  });

  // ---- article panel ----

  function setPanelOpen(open) {
    document.body.classList.toggle('article-open', open);
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? 'Hide article' : 'Show article';
  }

  function panelVisible() {
    return !narrow.matches || document.body.classList.contains('article-open');
  }

  /** Highlight the cited sentence; scroll to it when the panel is in view, or when asked to. */
  function citeSentence(number, reveal) {
    const target = byId(`s-${number}`);
    if (!target) return;
    for (const old of articleBody.querySelectorAll('.sentence.is-cited')) old.classList.remove('is-cited');
    target.classList.add('is-cited');
    if (reveal && narrow.matches) setPanelOpen(true);
    if (!panelVisible()) return;
    target.scrollIntoView({ block: 'center', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
    if (reveal) target.focus({ preventScroll: true });
  }

  function showArticle(article) {
    articleTitle.textContent = article.title;
    articleBody.replaceChildren();
    for (const paragraph of article.paragraphs) {
      const p = el('p', 'paragraph');
      for (const sentence of paragraph.sentences) {
        const span = el('span', 'sentence');
        span.id = `s-${sentence.number}`;
        span.tabIndex = -1;
        span.append(el('sup', 'sentence-number', String(sentence.number)), document.createTextNode(sentence.text));
        p.append(span, document.createTextNode(' '));
      }
      articleBody.append(p);
    }
  }

  toggle.addEventListener('click', () => setPanelOpen(!document.body.classList.contains('article-open')));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && narrow.matches && document.body.classList.contains('article-open')) {
      setPanelOpen(false);
      toggle.focus();
    }
  });

  // ---- start ----

  fetch('/api/article', { headers: { accept: 'application/json' } })
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    })
    .then((payload) => {
      texts = { ...texts, ...payload.messages };
      showArticle(payload);
      document.title = `Ask the article: ${payload.title}`;
      showReply({ kind: 'chat', text: texts.welcome, source: null, chipsLabel: texts.tryAsking, chips: payload.examples });
    })
    .catch(() => {
      articleTitle.textContent = 'The article could not be loaded. Reload the page to try again.';
    })
    .finally(connect);

  if (!narrow.matches) input.focus(); // on phones, wait for a tap rather than pop up the keyboard
})();
