#!/usr/bin/env python3
"""Writes title_cases.json: one case per rule of the HTML standard that decides
document.title (tokenizer states, template, foreign content, comments, character
references, encoding sniffing, whitespace). Each case is written from the rule; the
expected titles are what the standard says, and scripts/check-title-cases.py checks them
against html5lib (an independent implementation of the standard).

Fields: name, body (base64 of the bytes), content_type, title (null: no title element).
"""
import base64, json, os

cases = []

def case(name, html, title, content_type="text/html", raw=None):
    body = raw if raw is not None else html.encode("utf-8")
    cases.append({"name": name, "body": base64.b64encode(body).decode(), "content_type": content_type, "title": title})

# Tokenizer states: a <title> inside these is text.
case("textarea is RCDATA", "<textarea><title>No</title></textarea><title>Yes</title>", "Yes")
for element in ["style", "xmp", "iframe", "noembed", "noframes", "noscript"]:
    case(f"{element} is RAWTEXT", f"<{element}><title>No</title></{element}><title>Yes</title>", "Yes")
case("RAWTEXT ends only at its own end tag", "<style></title><title>No</title></style><title>Yes</title>", "Yes")
case("end tag needs a delimiter", "<style></stylex><title>No</title></style><title>Yes</title>", "Yes")
case("end tag with attributes", "<style></style foo='>'><title>Yes</title>", "Yes")
case("script data", "<script>var a = '<title>No</title>';</script><title>Yes</title>", "Yes")
case("script escaped: </script> still ends it", "<script><!-- </script><title>Yes</title>", "Yes")
case("script double-escaped: </script> does not end it",
     "<script><!--<script></script><title>No</title>--></script><title>Yes</title>", "Yes")
case("script <!--> escapes nothing", "<script><!--></script><title>Yes</title>", "Yes")
case("plaintext swallows the rest", "<plaintext><title>No</title>", None)
case("plaintext after the title", "<title>First</title><plaintext><title>No</title>", "First")

# Template contents are a separate fragment.
case("title in template is not the document's", "<template><title>No</title></template><title>Yes</title>", "Yes")
case("only a template title", "<template><title>No</title></template>", None)
case("nested template", "<template><template></template><title>No</title></template><title>Yes</title>", "Yes")
case("template title is still RCDATA", "<template><title></template><title>No</title></template><title>Yes</title>", "Yes")

# Foreign content and its integration points.
case("svg title is not the document's", "<svg><title>No</title></svg>", None)
case("svg title, then the real one", "<svg><title>Icon</title></svg><title>Yes</title>", "Yes")
case("svg foreignObject takes HTML", "<svg><foreignObject><title>Yes</title></foreignObject></svg>", "Yes")
case("svg desc takes HTML", "<svg><desc><title>Yes</title></desc></svg>", "Yes")
case("a title inside an svg title is HTML", "<svg><title><title>Inner</title></title></svg>", "Inner")
case("mathml mi takes HTML", "<math><mi><title>Yes</title></mi></math>", "Yes")
case("mathml mtext takes HTML", "<math><mtext><title>Yes</title></mtext></math>", "Yes")
case("annotation-xml text/html takes HTML", "<math><annotation-xml encoding='text/html'><title>Yes</title></annotation-xml></math>", "Yes")
case("annotation-xml without encoding does not",
     "<math><annotation-xml><title>No</title></annotation-xml></math><title>Yes</title>", "Yes")
case("math title is not the document's", "<math><title>No</title></math>", None)
case("p breaks out of svg", "<svg><p><title>Yes</title>", "Yes")
case("font with color breaks out", "<svg><font color=red><title>Yes</title></font></svg>", "Yes")
case("font without attributes does not", "<svg><font><title>No</title></font></svg><title>Yes</title>", "Yes")
case("svg style is not RAWTEXT", "<svg><style><title>No</title></style></svg><title>Yes</title>", "Yes")
case("an svg closed by an HTML end tag", "<div><svg><g></div><title>Yes</title>", "Yes")
case("svg self-closing", "<svg/><title>Yes</title>", "Yes")

# Comments, bogus comments, CDATA.
case("title in a comment", "<!-- <title>No</title> --><title>Yes</title>", "Yes")
case("<!--> is a whole comment", "<!--><title>Yes</title>", "Yes")
case("<!---> is a whole comment", "<!---><title>Yes</title>", "Yes")
case("--!> ends a comment", "<!-- a --!><title>Yes</title>", "Yes")
case("-- > does not end a comment", "<!-- -- ><title>No</title> -->", None)
case("CDATA in HTML is a bogus comment to the first >", "<![CDATA[<title>No</title>]]><title>Yes</title>", "Yes")
case("CDATA in svg is a section", "<svg><![CDATA[<title>No</title>]]></svg><title>Yes</title>", "Yes")
case("processing instruction is a bogus comment", "<?php <title>No</title> ?>", None)
case("</ space is a bogus comment", "</ <title>No</title>", None)
case("doctype", "<!DOCTYPE html><title>Yes</title>", "Yes")
case("attribute value with a >", "<div data-x='<title>No</title>'></div><title>Yes</title>", "Yes")

# Character references in RCDATA.
case("legacy names without semicolon", "<title>&amp &AMP &lt &gt &copy &COPY &not &reg &nbsp|</title>", "& & < > © © ¬ ® \u00a0|")
case("legacy name before = or a letter (text, not an attribute)", "<title>&amp=x &ampx &notit; &notin;</title>", "&=x &x ¬it; ∉")
case("names from the whole table", "<title>&NotEqualTilde; &Bopf; &fjlig; &Cconint;</title>", "\u2242\u0338 \U0001d539 fj \u2230")
case("unknown name kept", "<title>&bogus; &;</title>", "&bogus; &;")
case("numeric C1 remapping", "<title>&#x80;&#x99;&#150;</title>", "€™–")
case("numeric invalid values", "<title>&#0;&#xD800;&#x110000;&#99999999999;</title>", "\ufffd\ufffd\ufffd\ufffd")
case("numeric without semicolon", "<title>&#65&#x42 &#128512;</title>", "AB 😀")
case("no digits", "<title>&#; &#x;</title>", "&#; &#x;")

# Whitespace.
case("ASCII whitespace collapsed", "<title>\n\t a \x0c b \r\n c </title>", "a b c")
case("NBSP and other Unicode spaces stay", "<title>\u00a0a\u2003b\u3000</title>", "\u00a0a\u2003b\u3000")

# Encoding sniffing.
case("BOM beats HTTP charset", None, "Café", "text/html; charset=windows-1252", raw=b"\xef\xbb\xbf<title>Caf\xc3\xa9</title>")
case("UTF-16LE with BOM", None, "Café", raw=b"\xff\xfe" + "<title>Café</title>".encode("utf-16-le"))
case("UTF-16BE with BOM", None, "日本", raw=b"\xfe\xff" + "<title>日本</title>".encode("utf-16-be"))
case("HTTP charset beats meta", None, "Café", "text/html; charset=utf-8", raw=b"<meta charset=windows-1252><title>Caf\xc3\xa9</title>")
case("meta charset", None, "Привет", raw=b"<meta charset='windows-1251'><title>" + "Привет".encode("cp1251") + b"</title>")
case("meta http-equiv content", None, "Grüße",
     raw=b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15"><title>' + "Grüße".encode("iso-8859-15") + b"</title>")
case("content without http-equiv is ignored", None, "\ufffd", raw=b'<meta content="text/html; charset=windows-1252"><title>\xe9</title>')
case("latin1 means windows-1252", None, "€", "text/html; charset=latin1", raw=b"<title>\x80</title>")
case("us-ascii means windows-1252", None, "é", "text/html; charset=us-ascii", raw=b"<title>\xe9</title>")
case("x-sjis is Shift_JIS", None, "日本語", "text/html; charset=x-sjis", raw=b"<title>" + "日本語".encode("shift_jis") + b"</title>")
case("gb2312 is GBK", None, "中文", "text/html; charset=gb2312", raw=b"<title>" + "中文".encode("gbk") + b"</title>")
case("meta utf-16 means utf-8", None, "Café", raw=b"<meta charset=utf-16><title>Caf\xc3\xa9</title>")
case("meta past 1024 bytes changes the guessed encoding", None, "é", raw=b"<!--" + b"x" * 1100 + b"--><meta charset=windows-1252><title>\xe9</title>")
case("meta after the title changes the guessed encoding", None, "é", raw=b"<title>\xe9</title><meta charset=windows-1252>")
case("a late meta does not override HTTP", None, "\ufffd", "text/html; charset=utf-8", raw=b"<title>\xe9</title><meta charset=windows-1252>")
case("a meta breaks out of svg, and counts", None, "é", raw=b"<title>\xe9</title><svg><meta charset=windows-1252></svg>")
case("a late meta in a comment changes nothing", None, "\ufffd", raw=b"<title>\xe9</title><!-- <meta charset=windows-1252> -->")
case("meta in a comment is not seen", None, "\ufffd", raw=b"<!-- <meta charset=windows-1252> --><title>\xe9</title>")
case("unknown HTTP label falls through to meta", None, "é", "text/html; charset=bogus", raw=b"<meta charset=windows-1252><title>\xe9</title>")
case("undeclared is UTF-8", None, "Café", raw=b"<title>Caf\xc3\xa9</title>")
case("Shift_JIS trail bytes that look like ASCII", None, "ソ表", "text/html; charset=shift_jis", raw=b"<title>" + "ソ表".encode("shift_jis") + b"</title>")

# Length: no cap of our own.
case("a 100 KB title is kept whole", "<title>" + "é" * 50000 + "</title>", "é" * 50000)

with open(os.path.join(os.path.dirname(__file__), "title_cases.json"), "w") as out:
    json.dump(cases, out, ensure_ascii=True, indent=1)
print(f"{len(cases)} cases")
