#!/usr/bin/env python3
"""Writes Tests/ScrapeHTMLTests/Fixtures/browser/expected.json: what headless Chromium's DOM
gives for every case of cases.json, on the pages under pages/. Chromium is the judge the
fields issue names; this script only asks it, and its answers are the data.

Each page is served by a small HTTP server on 127.0.0.1 (port 8765, so that relative URLs
resolve against a fixed page URL: http://127.0.0.1:8765/pages/NAME.html, always with
`Content-Type: text/html; charset=utf-8`). A harness page on the same origin loads the page
in an iframe, so the page's own bytes and tree are untouched by the script that asks; when
the iframe has loaded, the harness runs each case with querySelectorAll on the iframe's
document and writes the answers, base64 of the JSON, into an attribute that
`chromium --dump-dom` prints.

Values, as the issue defines them:
  element (pseudo null)  textContent, runs of ASCII whitespace collapsed to one space, trimmed
  "text"                 the element's own child Text nodes joined, collapsed the same way
  "attr:NAME"            getAttribute(NAME) of the first matched element that has NAME
  "url:NAME"             that value resolved: new URL(value, document.baseURI).href, the
                         value unchanged when the URL parser throws
  "html"                 outerHTML
`all` gives the list over every matched element (for attr/url: every one that has NAME);
otherwise the first, or null when nothing matches.

Usage: browser-truth.py [CHROMIUM]   (default: chromium; needs no Python packages)
"""
import base64, functools, html, http.server, json, os, re, subprocess, sys, threading

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ScrapeHTMLTests", "Fixtures", "browser")
PORT = 8765
CHROMIUM = sys.argv[1] if len(sys.argv) > 1 else "chromium"

HARNESS = """<!doctype html><meta charset="utf-8"><title>harness</title>
<div id="truth"></div>
<iframe id="page" src="/pages/%(page)s"></iframe>
<script>
const cases = %(cases)s;
const collapse = s => s.replace(/[\\t\\n\\f\\r ]+/g, " ").replace(/^ | $/g, "");
function own(element) {
  let text = "";
  for (const child of element.childNodes) if (child.nodeType === Node.TEXT_NODE) text += child.data;
  return collapse(text);
}
function value(element, pseudo, doc) {
  if (pseudo === null) return collapse(element.textContent);
  if (pseudo === "text") return own(element);
  if (pseudo === "html") return element.outerHTML;
  const [kind, ...rest] = pseudo.split(":");
  const name = rest.join(":");
  if (!element.hasAttribute(name)) return undefined;
  const raw = element.getAttribute(name);
  if (kind === "attr") return raw;
  if (kind === "url") { try { return new URL(raw, doc.baseURI).href; } catch (e) { return raw; } }
  throw new Error("unknown pseudo " + pseudo);
}
function run(doc) {
  const out = {};
  for (const c of cases) {
    let matched;
    try { matched = Array.from(doc.querySelectorAll(c.selector)); }
    catch (e) { out[c.name] = {"error": String(e)}; continue; }
    const values = matched.map(e => value(e, c.pseudo, doc)).filter(v => v !== undefined);
    out[c.name] = c.all ? values : (values.length ? values[0] : null);
  }
  out["__meta"] = {compatMode: doc.compatMode, baseURI: doc.baseURI, url: doc.URL, characterSet: doc.characterSet};
  return out;
}
document.getElementById("page").addEventListener("load", () => {
  const doc = document.getElementById("page").contentDocument;
  const bytes = new TextEncoder().encode(JSON.stringify(run(doc)));
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  document.getElementById("truth").setAttribute("data-b64", btoa(binary));
});
</script>
"""


class Handler(http.server.SimpleHTTPRequestHandler):
    cases = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/harness/"):
            page = self.path[len("/harness/"):]
            body = HARNESS % {"page": page, "cases": json.dumps(self.cases[page]).replace("</", "<\\/")}
            return self.answer(body.encode("utf-8"))
        if self.path.startswith("/pages/"):
            name = os.path.basename(self.path.split("?")[0])
            path = os.path.join(HERE, "pages", name)
            if os.path.isfile(path):
                return self.answer(open(path, "rb").read())
        self.send_error(404)

    def answer(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    cases = json.load(open(os.path.join(HERE, "cases.json"), encoding="utf-8"))
    Handler.cases = cases
    server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    expected, failures = {}, 0
    for page in sorted(cases):
        command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-extensions",
                   "--virtual-time-budget=5000", "--dump-dom", f"http://127.0.0.1:{PORT}/harness/{page}"]
        dom = subprocess.run(command, capture_output=True, text=True, timeout=120).stdout
        match = re.search(r'id="truth" data-b64="([^"]*)"', dom)
        if not match:
            print(f"{page}: no answer from Chromium", file=sys.stderr)
            failures += 1
            continue
        answers = json.loads(base64.b64decode(html.unescape(match.group(1))).decode("utf-8"))
        meta = answers.pop("__meta")
        errors = {name: v for name, v in answers.items() if isinstance(v, dict)}
        for name, error in errors.items():
            print(f"{page} {name}: selector error {error['error']}", file=sys.stderr)
            failures += 1
        expected[page] = answers
        print(f"{page}: {len(answers)} cases, {meta['compatMode']}, base {meta['baseURI']}", file=sys.stderr)
    server.shutdown()
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as out:
        json.dump(expected, out, indent=1, ensure_ascii=False, sort_keys=True)
        out.write("\n")
    print(f"{sum(len(v) for v in expected.values())} values from {version}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
