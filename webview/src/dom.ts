// Building DOM nodes where every piece of text is a Text node: job names, messages and paths are the user's text and
// must never be parsed as HTML (no innerHTML anywhere in the webview).

type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  className?: string;
  /** Attributes set with setAttribute (values are strings, never markup). */
  attrs?: Record<string, string>;
  text?: string;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  if (options.text !== undefined) node.textContent = options.text;
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Sets text only when it differs, so repainting an unchanged row costs no layout. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
