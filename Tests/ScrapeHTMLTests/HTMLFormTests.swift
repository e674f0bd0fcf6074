import ScrapeHTML
import Testing

/// ``HTMLForm``: the entry list, target and encoding a browser builds for a form (the HTML
/// standard's "constructing the entry list" and "form submission"), as `login.form` uses it.
/// The expected entry lists are what Chromium 156's `new FormData(form, submitter)` gave for the
/// same markup with the default button as the submitter (checked by hand with
/// `chromium --headless --dump-dom`).
@Suite struct HTMLFormTests {
    private func form(_ html: String, url: String = "https://site.example/accounts/login/?next=/x", selector: String? = nil) throws -> HTMLForm {
        try HTMLForm.find(body: Array(html.utf8), contentType: "text/html", url: url, selector: selector.map { try CSSSelector($0) })
    }

    private func pairs(_ form: HTMLForm) -> [String] { form.entries.map { "\($0.name)=\($0.value)" } }

    @Test func hiddenInputsCheckedBoxesAndTheDefaultButtonAreKept() throws {
        let found = try form(
            """
            <form method=POST action="/accounts/login/">
              <input type=hidden name=csrfmiddlewaretoken value="tok&en">
              <input name=username value=preset>
              <input type=password name=password>
              <input type=checkbox name=remember>
              <input type=checkbox name=terms value=yes checked>
              <input type=radio name=kind value=a><input type=radio name=kind value=b checked>
              <input type=submit name=go value="Log in"><input type=submit name=go2 value=never>
              <input type=file name=avatar>
              <input name="">
              <input type=hidden name=_charset_>
            </form>
            """)
        #expect(pairs(found) == ["csrfmiddlewaretoken=tok&en", "username=preset", "password=", "terms=yes", "kind=b", "go=Log in", "avatar=", "_charset_=UTF-8"])
        #expect(found.action == "https://site.example/accounts/login/")
        #expect(found.method == .post)
        #expect(found.encoding == .urlEncoded)
        #expect(found.passwordNames == ["password"])
    }

    @Test func disabledControlsAndFieldsetsAreLeftOutButNotDatalists() throws {
        let found = try form(
            """
            <form><input type=password name=p>
              <input name=a disabled>
              <fieldset disabled><legend><input name=inLegend value=1></legend><input name=b><legend><input name=c></legend></fieldset>
              <datalist><input name=d></datalist>
              <select name=s disabled><option>x</select>
              <button type=submit disabled name=first>1</button><button name=second value=2>2</button>
            </form>
            """)
        // Chromium submits the input in the datalist, which the standard bars: a server sees what Chromium sends.
        #expect(pairs(found) == ["p=", "inLegend=1", "d="], "a disabled default button submits nothing: implicit submission needs it enabled")
    }

    @Test func selectsTextareasAndButtonsOfOtherTypes() throws {
        let found = try form(
            """
            <form><input type=password name=p>
              <select name=plain><option>  First   choice </option><option value=2>Two</option></select>
              <select name=picked><option value=1 selected>1</option><option value=2 selected>2</option></select>
              <select name=many multiple><option value=a selected>a<option value=b><option value=c selected disabled>c<optgroup><option value=d selected>d</optgroup></select>
              <select name=skipDisabled><option disabled>no<option value=yes>yes</select>
              <select name=listbox size=3><option value=x>x</select>
              <textarea name=note>
            line one
            line two</textarea>
              <button type=button name=b1>no</button><button type=reset name=b2>no</button>
              <input type=image name=map>
            </form>
            """)
        #expect(
            pairs(found) == [
                "p=", "plain=First choice", "picked=2", "many=a", "many=d", "skipDisabled=yes", "note=line one\nline two", "map.x=0", "map.y=0",
            ])
    }

    @Test func controlsNamingTheFormByIdBelongToIt() throws {
        let found = try form(
            """
            <input name=before form=f value=1>
            <form id=f><input type=password name=p><input name=elsewhere form=g value=no></form>
            <form id=g></form>
            <input name=after form=f value=2>
            """)
        #expect(pairs(found) == ["before=1", "p=", "after=2"])
    }

    @Test func theFirstFormWithAPasswordUnlessASelectorSaysWhich() throws {
        let html = """
            <form action=/search><input name=q></form>
            <form id=login action=login method=post><input type=password name=pw></form>
            <form id=signup action=signup method=post><input type=password name=new></form>
            <div id=notaform></div>
            """
        #expect(try form(html).action == "https://site.example/accounts/login/login")
        #expect(try form(html, selector: "#signup").action == "https://site.example/accounts/login/signup")
        #expect(throws: HTMLForm.FindError.noMatch(selector: "#nothing")) { try form(html, selector: "#nothing") }
        #expect(throws: HTMLForm.FindError.notAForm(selector: "#notaform", element: "div")) { try form(html, selector: "#notaform") }
        #expect(throws: HTMLForm.FindError.noPasswordForm) { try form("<form><input name=q></form>") }
        #expect(throws: HTMLForm.FindError.notHTML(contentType: "application/json")) {
            try HTMLForm.find(body: Array("{}".utf8), contentType: "application/json", url: "https://a.example/", selector: nil)
        }
    }

    @Test func actionMethodAndEnctypeFollowTheBaseURLAndTheSubmitter() throws {
        let found = try form(
            """
            <base href="https://other.example/base/">
            <form action="  " method=bogus enctype=MULTIPART/FORM-DATA><input type=password name=p>
              <button formaction="go?x=1" formmethod=POST>ok</button></form>
            """)
        #expect(found.action == "https://other.example/base/go?x=1")
        #expect(found.method == .post)
        #expect(found.encoding == .multipart)
        let noAction = try form("<form><input type=password name=p></form>")
        #expect(noAction.action == "https://site.example/accounts/login/?next=/x", "an empty action is the document's URL")
        #expect(noAction.method == .get)
    }

    @Test func fillingReplacesOrAddsAndPasswordsComeOnlyFromSecrets() throws {
        var found = try form("<form method=post><input type=hidden name=t value=1><input name=user value=x><input type=password name=pw></form>")
        try found.fill([.init(name: "user", value: "alice", isSecret: false), .init(name: "pw", value: "p w&=é", isSecret: true), .init(name: "extra", value: "1", isSecret: false)])
        #expect(pairs(found) == ["t=1", "user=alice", "pw=p w&=é", "extra=1"])
        #expect(throws: HTMLForm.FillError(name: "pw")) { try found.fill([.init(name: "pw", value: "written", isSecret: false)]) }
    }

    @Test func submissionsEncodeAsABrowserDoes() throws {
        var found = try form("<form method=post action=/in><input type=password name=pw></form>")
        try found.fill([.init(name: "pw", value: "a b&c=d/é*-._~\n", isSecret: true)])
        let post = found.submission(boundary: "B")
        #expect(post.url == "https://site.example/in")
        #expect(post.contentType == "application/x-www-form-urlencoded")
        #expect(String(decoding: post.body ?? [], as: UTF8.self) == "pw=a+b%26c%3Dd%2F%C3%A9*-._%7E%0D%0A")

        found.method = .get
        found.action = "https://site.example/in?old=1#frag"
        let get = found.submission(boundary: "B")
        #expect(get.url == "https://site.example/in?pw=a+b%26c%3Dd%2F%C3%A9*-._%7E%0D%0A")
        #expect(get.body == nil && get.contentType == nil)

        found.method = .post
        found.encoding = .multipart
        found.entries = [.init(name: "a\"b", value: "x\ry")]
        let multipart = found.submission(boundary: "XyZ")
        #expect(multipart.contentType == "multipart/form-data; boundary=XyZ")
        #expect(String(decoding: multipart.body ?? [], as: UTF8.self) == "--XyZ\r\nContent-Disposition: form-data; name=\"a%22b\"\r\n\r\nx\r\ny\r\n--XyZ--\r\n")
    }
}
