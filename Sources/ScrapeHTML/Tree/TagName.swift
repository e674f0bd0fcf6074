/// An element's tag name as a small integer: the tree builder compares names on every
/// token and every step of a scope walk, so it compares these, not bytes.
///
/// The names the standard's rules mention have fixed values (``known``); any other name
/// gets a value from the parse's ``TagNameTable`` the first time it is seen, so equal
/// names are equal values within one parse. SVG names are interned lowercase, as the
/// tokenizer emits them (`foreignobject`): the stack of open elements records the token's
/// name next to the adjusted one the element is created with.
struct TagName: Hashable {
    let id: UInt32

    /// The names the tree construction rules mention, in ``id`` order (0 is unused).
    static let known: [StaticString] = [
        "",
        "html",
        "head",
        "body",
        "title",
        "base",
        "basefont",
        "bgsound",
        "link",
        "meta",
        "noframes",
        "script",
        "style",
        "template",
        "noscript",
        "br",
        "p",
        "div",
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "header",
        "hgroup",
        "main",
        "menu",
        "nav",
        "ol",
        "search",
        "section",
        "summary",
        "ul",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "listing",
        "form",
        "li",
        "dd",
        "dt",
        "plaintext",
        "button",
        "a",
        "b",
        "big",
        "code",
        "em",
        "font",
        "i",
        "s",
        "small",
        "strike",
        "strong",
        "tt",
        "u",
        "nobr",
        "applet",
        "marquee",
        "object",
        "table",
        "area",
        "embed",
        "img",
        "keygen",
        "wbr",
        "input",
        "param",
        "source",
        "track",
        "hr",
        "image",
        "textarea",
        "xmp",
        "iframe",
        "noembed",
        "select",
        "optgroup",
        "option",
        "datalist",
        "rb",
        "rtc",
        "rp",
        "rt",
        "ruby",
        "math",
        "svg",
        "caption",
        "col",
        "colgroup",
        "frame",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "frameset",
        "sub",
        "sup",
        "span",
        "var",
        "mi",
        "mo",
        "mn",
        "ms",
        "mtext",
        "annotation-xml",
        "mglyph",
        "malignmark",
        "foreignobject",
        "desc",
        "selectedcontent",
    ]

    static let html = TagName(id: 1)
    static let head = TagName(id: 2)
    static let body = TagName(id: 3)
    static let title = TagName(id: 4)
    static let base = TagName(id: 5)
    static let basefont = TagName(id: 6)
    static let bgsound = TagName(id: 7)
    static let link = TagName(id: 8)
    static let meta = TagName(id: 9)
    static let noframes = TagName(id: 10)
    static let script = TagName(id: 11)
    static let style = TagName(id: 12)
    static let template = TagName(id: 13)
    static let noscript = TagName(id: 14)
    static let br = TagName(id: 15)
    static let p = TagName(id: 16)
    static let div = TagName(id: 17)
    static let address = TagName(id: 18)
    static let article = TagName(id: 19)
    static let aside = TagName(id: 20)
    static let blockquote = TagName(id: 21)
    static let center = TagName(id: 22)
    static let details = TagName(id: 23)
    static let dialog = TagName(id: 24)
    static let dir = TagName(id: 25)
    static let dl = TagName(id: 26)
    static let fieldset = TagName(id: 27)
    static let figcaption = TagName(id: 28)
    static let figure = TagName(id: 29)
    static let footer = TagName(id: 30)
    static let header = TagName(id: 31)
    static let hgroup = TagName(id: 32)
    static let main = TagName(id: 33)
    static let menu = TagName(id: 34)
    static let nav = TagName(id: 35)
    static let ol = TagName(id: 36)
    static let search = TagName(id: 37)
    static let section = TagName(id: 38)
    static let summary = TagName(id: 39)
    static let ul = TagName(id: 40)
    static let h1 = TagName(id: 41)
    static let h2 = TagName(id: 42)
    static let h3 = TagName(id: 43)
    static let h4 = TagName(id: 44)
    static let h5 = TagName(id: 45)
    static let h6 = TagName(id: 46)
    static let pre = TagName(id: 47)
    static let listing = TagName(id: 48)
    static let form = TagName(id: 49)
    static let li = TagName(id: 50)
    static let dd = TagName(id: 51)
    static let dt = TagName(id: 52)
    static let plaintext = TagName(id: 53)
    static let button = TagName(id: 54)
    static let a = TagName(id: 55)
    static let b = TagName(id: 56)
    static let big = TagName(id: 57)
    static let code = TagName(id: 58)
    static let em = TagName(id: 59)
    static let font = TagName(id: 60)
    static let i = TagName(id: 61)
    static let s = TagName(id: 62)
    static let small = TagName(id: 63)
    static let strike = TagName(id: 64)
    static let strong = TagName(id: 65)
    static let tt = TagName(id: 66)
    static let u = TagName(id: 67)
    static let nobr = TagName(id: 68)
    static let applet = TagName(id: 69)
    static let marquee = TagName(id: 70)
    static let object = TagName(id: 71)
    static let table = TagName(id: 72)
    static let area = TagName(id: 73)
    static let embed = TagName(id: 74)
    static let img = TagName(id: 75)
    static let keygen = TagName(id: 76)
    static let wbr = TagName(id: 77)
    static let input = TagName(id: 78)
    static let param = TagName(id: 79)
    static let source = TagName(id: 80)
    static let track = TagName(id: 81)
    static let hr = TagName(id: 82)
    static let image = TagName(id: 83)
    static let textarea = TagName(id: 84)
    static let xmp = TagName(id: 85)
    static let iframe = TagName(id: 86)
    static let noembed = TagName(id: 87)
    static let select = TagName(id: 88)
    static let optgroup = TagName(id: 89)
    static let option = TagName(id: 90)
    static let datalist = TagName(id: 91)
    static let rb = TagName(id: 92)
    static let rtc = TagName(id: 93)
    static let rp = TagName(id: 94)
    static let rt = TagName(id: 95)
    static let ruby = TagName(id: 96)
    static let math = TagName(id: 97)
    static let svg = TagName(id: 98)
    static let caption = TagName(id: 99)
    static let col = TagName(id: 100)
    static let colgroup = TagName(id: 101)
    static let frame = TagName(id: 102)
    static let tbody = TagName(id: 103)
    static let td = TagName(id: 104)
    static let tfoot = TagName(id: 105)
    static let th = TagName(id: 106)
    static let thead = TagName(id: 107)
    static let tr = TagName(id: 108)
    static let frameset = TagName(id: 109)
    static let sub = TagName(id: 110)
    static let sup = TagName(id: 111)
    static let span = TagName(id: 112)
    static let `var` = TagName(id: 113)
    static let mi = TagName(id: 114)
    static let mo = TagName(id: 115)
    static let mn = TagName(id: 116)
    static let ms = TagName(id: 117)
    static let mtext = TagName(id: 118)
    static let annotationXML = TagName(id: 119)
    static let mglyph = TagName(id: 120)
    static let malignmark = TagName(id: 121)
    static let foreignObject = TagName(id: 122)
    static let desc = TagName(id: 123)
    static let selectedcontent = TagName(id: 124)

    /// Where ids of names met while parsing start.
    static let firstDynamicID = UInt32(known.count)
}
