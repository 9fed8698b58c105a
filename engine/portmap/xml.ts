// Just enough XML for UPnP device descriptions and SOAP answers, which come from the router and are
// treated as hostile: a document type declaration is refused outright (no entity can be defined, so
// none is ever expanded or fetched), only the five predefined entities and character references are
// decoded, and size, depth and element count are bounded. Attributes and namespaces are skipped:
// elements are matched by local name, as UPnP clients do. Never throws.
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';

export interface XmlElement {
  /** Local name, without namespace prefix. */
  readonly name: string;
  readonly children: XmlElement[];
  /** Text directly inside the element, entities decoded, trimmed. */
  text: string;
}

export type XmlError = 'too-large' | 'too-deep' | 'too-many-elements' | 'doctype' | 'malformed';

export interface XmlLimits {
  readonly maxChars: number;
  readonly maxDepth: number;
  readonly maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxChars: 64 * 1024, maxDepth: 24, maxElements: 2000 };

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string | undefined {
  let bad = false;
  const decoded = text.replace(/&([^;&\s]{1,10});|&/g, (match, entity: string | undefined) => {
    if (entity === undefined) {
      bad = true;
      return match;
    }
    const predefined = PREDEFINED[entity];
    if (predefined !== undefined) return predefined;
    const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(entity);
    const code = numeric === null ? NaN : numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
    if (!Number.isInteger(code) || code < 1 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      bad = true;
      return match;
    }
    return String.fromCodePoint(code);
  });
  return bad ? undefined : decoded;
}

/** Parses one document into its root element. */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): Result<XmlElement, XmlError> {
  if (text.length > limits.maxChars) return err('too-large', `${text.length} characters`);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (chunk.trim() !== '') {
      const top = stack[stack.length - 1];
      const decoded = decodeEntities(chunk);
      if (top === undefined || decoded === undefined) return err('malformed', 'text outside the root element or a bad entity');
      top.text += decoded;
    }
    if (lt < 0) break;
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) return err('malformed', 'unterminated processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) return err('malformed', 'unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      const top = stack[stack.length - 1];
      if (end < 0 || top === undefined) return err('malformed', 'bad CDATA section');
      top.text += text.slice(lt + 9, end);
      i = end + 3;
    } else if (text.startsWith('<!', lt)) {
      return err('doctype', 'document type declarations are refused');
    } else {
      const end = tagEnd(text, lt + 1);
      if (end < 0) return err('malformed', 'unterminated tag');
      const tag = text.slice(lt + 1, end);
      i = end + 1;
      if (tag.startsWith('/')) {
        const top = stack.pop();
        if (top === undefined || localName(tag.slice(1).trim()) !== top.name) return err('malformed', `unexpected </${tag.slice(1).trim()}>`);
        top.text = top.text.trim();
        continue;
      }
      const selfClosing = tag.endsWith('/');
      const name = localName(/^[^\s/]+/.exec(tag)?.[0] ?? '');
      if (name === '' || !/^[A-Za-z_][\w.-]*$/.test(name)) return err('malformed', 'bad element name');
      if (++elements > limits.maxElements) return err('too-many-elements');
      const element: XmlElement = { name, children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.children.push(element);
      else if (root === undefined) root = element;
      else return err('malformed', 'a second root element');
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > limits.maxDepth) return err('too-deep');
      }
    }
  }
  if (root === undefined || stack.length > 0) return err('malformed', 'unterminated document');
  return ok(root);
}

/** The index of the '>' closing a tag whose name starts at `from`, skipping quoted attribute values. */
function tagEnd(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    } else if (c === '<') {
      return -1;
    }
  }
  return -1;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

/** Every descendant of `element` (depth first, in document order) named `name`. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (node: XmlElement): void => {
    for (const child of node.children) {
      if (child.name === name) found.push(child);
      walk(child);
    }
  };
  walk(element);
  return found;
}

/** The text of the first direct child named `name`. */
export function childText(element: XmlElement, name: string): string | undefined {
  return element.children.find((child) => child.name === name)?.text;
}
