// Web chat page. Plain browser JS, no build step. Every piece of text from the
// user or the server is put into the page with textContent, never as markup.

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
    feedbackUp: 'Helpful',
    feedbackDown: 'Not helpful',
    feedbackThanks: 'Thanks for the feedback.',
  };
  /** Answers awaiting the server's word on a vote, by reply id: { box, vote }. */
  const pendingVotes = new Map();
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
      if (!message) return;
      if (message.type === 'feedback') voteRecorded(message);
      else if (message.type === 'message' && !(message.code === 'unknown-reply' && voteRefused(message))) showReply(message);
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
    link.addEventListener('click', () => citeSentences([source.number], true));
    caption.append(link);
    figure.append(caption);
    return figure;
  }

  const comparable = (text) =>
    String(text)
      .toLowerCase()
      .replace(/[“”"'‘’]/g, '')
      .replace(/[\s.,;:!?]+/g, ' ')
      .trim();

  /** An answer that is (nearly all of) its source sentence would only repeat the quote below it. */
  function answerIsTheQuote(text, source) {
    const answer = comparable(text);
    const sentence = comparable(source.sentence);
    return sentence.includes(answer) && answer.length >= 0.85 * sentence.length;
  }

  // ---- feedback: one vote per answer, sent as { type: 'feedback', reply, vote } ----

  function feedbackBox(replyId) {
    const box = el('div', 'feedback');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', 'Was this answer helpful?');
    const buttons = [
      ['up', '👍', texts.feedbackUp],
      ['down', '👎', texts.feedbackDown],
    ].map(([vote, icon, label]) => {
      const button = el('button', 'vote', icon);
      button.type = 'button';
      button.dataset.vote = vote;
      button.setAttribute('aria-label', label);
      button.title = label;
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', () => castVote(box, replyId, vote));
      return button;
    });
    const note = el('span', 'feedback-note');
    box.append(...buttons, note);
    return box;
  }

  function castVote(box, replyId, vote) {
    if (box.dataset.state === 'pending' || box.dataset.state === 'done') return;
    if (!send({ type: 'feedback', reply: replyId, vote })) return;
    box.dataset.state = 'pending';
    pendingVotes.set(replyId, { box, vote });
    for (const button of box.querySelectorAll('.vote')) {
      button.setAttribute('aria-pressed', String(button.dataset.vote === vote));
      button.setAttribute('aria-disabled', 'true');
    }
  }

  function voteRecorded(message) {
    const pending = pendingVotes.get(message.reply);
    if (!pending || message.ok !== true) return;
    pendingVotes.delete(message.reply);
    pending.box.dataset.state = 'done';
    pending.box.querySelector('.feedback-note').textContent = typeof message.text === 'string' && message.text ? message.text : texts.feedbackThanks;
  }

  /** The server did not take a vote: say why beside the buttons and let the visitor try again. True when handled. */
  function voteRefused(message) {
    const [replyId, pending] = pendingVotes.entries().next().value ?? [];
    if (!pending) return false;
    pendingVotes.delete(replyId);
    delete pending.box.dataset.state;
    for (const button of pending.box.querySelectorAll('.vote')) {
      button.setAttribute('aria-pressed', 'false');
      button.removeAttribute('aria-disabled');
    }
    pending.box.querySelector('.feedback-note').textContent = String(message.text ?? '');
    return true;
  }

  function showReply(message) {
    const kind = String(message.kind || 'answer');
    const item = el('div', `msg msg-bot msg-${kind}`);
    item.append(el('span', 'visually-hidden', 'Bot: '));
    const parts = Array.isArray(message.parts) && message.parts.length > 1 ? message.parts : [message];
    for (const part of parts) {
      const box = parts.length > 1 ? el('div', 'part') : item;
      if (parts.length > 1) box.append(el('p', 'part-question', String(part.question ?? '')));
      const text = String(part.text ?? '');
      if (!(part.source && answerIsTheQuote(text, part.source))) box.append(el('p', 'msg-text', text));
      if (part.source) box.append(sourceBlock(part.source));
      if (box !== item) item.append(box);
    }
    if (kind === 'answer' && typeof message.id === 'string' && message.id !== '') item.append(feedbackBox(message.id));
    if (Array.isArray(message.chips) && message.chips.length > 0) item.append(chipList(message.chipsLabel, message.chips));
    append(item);
    // The article shows the sentences the latest reply stands on (one per part), or none.
    const cited = parts.filter((part) => part.source).map((part) => part.source.number);
    if (cited.length > 0) citeSentences(cited, false);
    else clearCitation();
  }

  function askText(text) {
    if (!send({ type: 'message', text })) return false;
    showQuestion(text);
    return true;
  }

  function askIntent(chip) {
    if (send({ type: 'intent', intent: chip.intent })) showQuestion(chip.question);
    input.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // An empty send is a slip of the Enter key, not a question: nothing to send or show.
    if (input.value.trim() !== '' && askText(input.value)) input.value = '';
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

  function clearCitation() {
    for (const old of articleBody.querySelectorAll('.sentence.is-cited')) old.classList.remove('is-cited');
  }

  /** Highlight the cited sentences; scroll to the first when the panel is in view, or when asked to. */
  function citeSentences(numbers, reveal) {
    const targets = numbers.map((number) => byId(`s-${number}`)).filter(Boolean);
    const target = targets[0];
    if (!target) return;
    clearCitation();
    for (const cited of targets) cited.classList.add('is-cited');
    if (reveal && narrow.matches) setPanelOpen(true);
    if (!panelVisible()) return;
    // Scroll the article panel alone (scrollIntoView would also scroll the page, and the header with it).
    const panel = byId('article-panel');
    const box = panel.getBoundingClientRect();
    const at = target.getBoundingClientRect();
    const top = panel.scrollTop + (at.top - box.top) - (box.height - at.height) / 2;
    panel.scrollTo({ top: Math.max(0, top), behavior: reducedMotion.matches ? 'auto' : 'smooth' });
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
