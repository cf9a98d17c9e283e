import StructuredData
import Templating
import Testing

/// The same functions through real templates: each row is a template that was rendered by Helm
/// v4.2.3 with the output (or the `error calling …` part of the error) recorded verbatim — via
/// helm-python-sdk 0.2.2 (`Chart.load(dir).render({}, name="x", namespace="default")`, libhelm built
/// with Go 1.26), one scratch chart per row. That binding passes output through JSON, so invalid
/// UTF-8 (Go slicing inside a character) shows as U+FFFD, as our strings must.
@Suite struct TemplateFunctionTests {
    static let helmRenders: [(String, String)] = [
        (##"{{ camelcase "foo_bar" }}|{{ camelcase "http_server" }}|{{ camelcase "_complex__case_" }}|{{ camelcase "some words" }}|{{ camelcase "GOLANG_IS_GREAT" }}|{{ camelcase "fooBar" }}|{{ camelcase "a" }}|{{ camelcase "A-b-c" }}"##, "FooBar|HttpServer|_Complex_Case_|SomeWords|GolangIsGreat|FooBar|A|ABC"),
        (##"{{ snakecase "FooBar" }}|{{ snakecase "HTTPServer" }}|{{ snakecase "http2xx" }}|{{ snakecase "HTTP20xOK" }}|{{ snakecase "Bld4Floor3rd" }}|{{ snakecase "GO PATH" }}|{{ snakecase "a.b" }}|{{ snakecase "foo__bar" }}"##, "foo_bar|http_server|http_2xx|http_20x_ok|bld4_floor_3rd|go_path|a.b|foo__bar"),
        (##"{{ kebabcase "FooBar" }}|{{ kebabcase "fooBarBaz" }}|{{ kebabcase "my_var Name" }}|{{ kebabcase "ABC" }}"##, "foo-bar|foo-bar-baz|my-var-name|abc"),
        (##"{{ round -2.4 0 }}|{{ round -2.5 0 }}|{{ round 2.5 0 }}|{{ round 1.2345 2 }}|{{ round 1.5 0 0.6 }}"##, "-3|-3|3|1.23|1"),
        (##"{{ swapcase "Hello World abc" }}|{{ title "hello wOrld foo_bar x.y" }}|{{ untitle "Hello World" }}|{{ initials "First Try" }}|{{ nospace " a b\tc " }}"##, "hELLO wORLD ABC|Hello WOrld Foo_bar X.Y|hello world|FT|abc"),
        (##"{{ substr 1 3 "hello" }}|{{ substr -1 3 "hello" }}|{{ substr 2 -1 "hello" }}|{{ substr 2 10 "hello" }}"##, "el|hel|llo|llo"),
        (##"{{ substr -1 10 "hello" }}"##, "ERR: error calling substr: runtime error: slice bounds out of range [:10] with length 5"),
        (##"{{ substr 6 10 "hello" }}"##, "ERR: error calling substr: runtime error: slice bounds out of range [6:5]"),
        (##"{{ substr 3 2 "hello" }}"##, "ERR: error calling substr: runtime error: slice bounds out of range [3:2]"),
        (##"{{ div 1 0 }}"##, "ERR: error calling div: runtime error: integer divide by zero"),
        (##"{{ mod 1 0 }}"##, "ERR: error calling mod: runtime error: integer divide by zero"),
        (##"{{ repeat -1 "a" }}"##, "ERR: error calling repeat: strings: negative Repeat count"),
        (##"{{ randInt 5 5 }}"##, "ERR: error calling randInt: invalid argument to Intn"),
        (##"{{ divf 1 0 }}"##, "ERR: error calling divf: decimal division by 0"),
        (##"{{ addf "NaN" 1 }}"##, "ERR: error calling addf: Cannot create a Decimal from NaN"),
        (##"{{ seq 0 }}|{{ seq 5 1 }}|{{ seq 1 2 7 }}|{{ seq 7 -2 1 }}|{{ seq 1 -1 5 }}|{{ seq 2 5 }}|{{ seq }}|{{ seq 1 2 3 4 }}"##, "1 0|5 4 3 2 1|1 3 5 7|7 5 3 1||2 3 4 5||"),
        (##"{{ atoi "99999999999999999999" }}|{{ atoi "+5" }}|{{ atoi " 5" }}|{{ int "1e6" }}|{{ int64 "0x10" }}|{{ float64 "1e400" }}|{{ toDecimal "0777" }}|{{ toDecimal 511.0 }}"##, "9223372036854775807|5|0|0|16|0|511|329"),
        (##"{{ quote "a\tb" "é" 1.5 }}|{{ squote "a'b" }}|{{ cat "a" 1 nil "b" }}|{{ sortAlpha nil }}|{{ toStrings nil }}|{{ toStrings "x" }}|{{ join "," nil }}"##, "\"a\\tb\" \"é\" \"1.5\"|'a'b'|a 1 b|[<nil>]|[]|[x]|"),
        (##"{{ replace "" "-" "abc" }}|{{ splitList "" "abc" }}|{{ splitn "" 2 "abc" }}|{{ splitn "," 0 "a,b" }}|{{ split "," "" }}"##, "-a-b-c-|[a b c]|map[_0:a _1:bc]|map[]|map[_0:]"),
        (##"{{ typeOf (splitList "," "a") }}|{{ typeOf (split "," "a") }}|{{ typeOf (until 3) }}|{{ typeOf (atoi "1") }}|{{ typeOf (add 1 2) }}|{{ typeOf (seq 3) }}|{{ typeOf (addf 1 2) }}"##, "[]string|map[string]string|[]int|int|int64|string|float64"),
        (##"{{ b64dec "!!" }}|{{ b64dec "YQ" }}|{{ b64dec "YQ=" }}|{{ b64dec "YQ==YQ==" }}|{{ b64dec "Y" }}|{{ b64dec "YWJj\nZA==" }}|{{ b32dec "MFRGG===" }}|{{ b32dec "MFRGG" }}|{{ b32dec "!" }}"##, "illegal base64 data at input byte 0|illegal base64 data at input byte 0|illegal base64 data at input byte 3|illegal base64 data at input byte 4|illegal base64 data at input byte 0|abcd|abc|illegal base32 data at input byte 0|illegal base32 data at input byte 0"),
        (##"{{ abbrevboth 5 10 "1234 5678 9123" }}|{{ abbrev 3 "hello" }}|{{ wrap 5 "hello world foo" }}|{{ wrapWith 5 "\t" "Hello World" }}|{{ wrap 3 "abcdefgh ij" }}|{{ wrapWith 3 "|" "abcdefgh ij" }}"##, "...5678...|hello|hello\nworld\nfoo|Hello\tWorld|abcdefgh\nij|abc|def|gh|ij"),
        (##"{{ mulf 1.1 3 }}|{{ subf 0.3 0.1 }}|{{ addf 0.1 0.2 }}|{{ divf 10 4 }}|{{ divf 2 3 }}|{{ add1f 0.1 }}|{{ maxf 1 "x" 3.5 }}|{{ divf -2 3 }}|{{ divf 1 3 3 }}|{{ addf }}|{{ divf 1e300 1e-300 }}|{{ mulf 1e300 1e300 }}"##, "3.3|0.2|0.3|2.5|0.6666666666666667|1.1|3.5|-0.6666666666666667|0.1111111111111111|0|+Inf|+Inf"),
        (##"{{ add }}|{{ add 1 2.9 "3" nil true }}|{{ sub 1 2 }}|{{ mul 2 }}|{{ max 1 5 "7" }}|{{ min 3 -1 }}|{{ biggest 4 9 }}|{{ ceil 1.1 }}|{{ floor -1.1 }}|{{ ceil "x" }}|{{ until -3 }}|{{ untilStep 10 0 -3 }}|{{ untilStep 0 10 0 }}"##, "0|7|-1|2|7|-1|9|2|-2|0|[0 -1 -2]|[10 7 4 1]|[]"),
        (##"{{ base "" }}|{{ base "/" }}|{{ base "a/b/" }}|{{ dir "" }}|{{ dir "/a" }}|{{ dir "a/b/c/" }}|{{ clean "a//b/../c/." }}|{{ clean "/../a" }}|{{ clean "" }}|{{ ext "a/b.tar.gz" }}|{{ ext "a.b/c" }}|{{ isAbs "/a" }}|{{ isAbs "a" }}|{{ osBase "a/b" }}|{{ osDir "a/b" }}"##, ".|/|b|.|/|a/b/c|a/c|/a|.|.gz||true|false|b|a"),
        (##"{{ trim "  x \n" }}|{{ trimAll "$x" "$x5$x" }}|{{ trimPrefix "a" "aab" }}|{{ trimSuffix "b" "abb" }}|{{ upper "aßé" }}|{{ lower "ÀB" }}|{{ title "ǆa élan" }}|{{ nospace "é x" }}|{{ initials "élan x" }}"##, "x|5|ab|ab|AßÉ|àb|ǅa Élan|Ã©x|Ãx"),
        (##"{{ trunc 3 "héllo" }}|{{ trunc 2 "héllo" }}|{{ abbrev 4 "héllo" }}|{{ substr 0 2 "héllo" }}"##, "hé|h�|h...|h�"),
        (##"{{ indent 2 "a\n\nb" }}|{{ nindent 2 "a" }}|{{ plural "one" "many" 1 }}|{{ plural "one" "many" 0 }}|{{ hello }}|{{ repeat 3 "ab" }}|{{ contains "" "abc" }}|{{ hasPrefix "" "" }}"##, "  a\n  \n  b|\n  a|one|many|Hello!|ababab|true|true"),
        (##"{{ randAlphaNum -1 }}|{{ randAlpha 0 }}|{{ len (randAscii 5) }}|{{ shuffle "" }}"##, "||5|"),
        (##"{{ snakecase "" }}|{{ snakecase "a-b c" }}|{{ snakecase "FooBAR" }}|{{ snakecase "foo1Bar" }}|{{ snakecase "ÀÉtude" }}|{{ snakecase "x--y" }}|{{ snakecase "a:B" }}|{{ snakecase "1a" }}|{{ snakecase "a1" }}|{{ snakecase "A1b" }}|{{ snakecase "AB1c" }}|{{ kebabcase "a_b" }}|{{ snakecase "a$b" }}"##, "|a_b_c|foo_bar|foo1_bar|à_étude|x__y|a:b|1a|a1|a_1b|ab_1c|a-b|a_$_b"),
        (##"{{ camelcase "" }}|{{ camelcase "_" }}|{{ camelcase "__a" }}|{{ camelcase "a_" }}|{{ camelcase "aB_cD" }}|{{ camelcase "ABC_DEF" }}|{{ camelcase "a  b" }}|{{ camelcase "1_a" }}"##, "|__|__A|A_|ABCD|AbcDef|A B|1A"),
        (##"{{ swapcase "ǅa b" }}|{{ swapcase "aBc dEF" }}|{{ title "a-b c\td" }}|{{ title "o'neil" }}|{{ untitle "ABC  Def" }}"##, "ǆA B|AbC Def|A-B C\tD|O'Neil|aBC  def"),
        (##"{{ int "3.7" }}|{{ int64 1e19 }}|{{ int ".5" }}|{{ int "-.5" }}|{{ int "1." }}|{{ int64 "1e3" }}|{{ add 1e19 0 }}|{{ int64 -1e19 }}|{{ int "0b101" }}|{{ int "0o17" }}|{{ int "+7" }}|{{ int64 "9223372036854775808" }}|{{ int "3.70" }}|{{ int "x.5" }}"##, "0|-9223372036854775808|0|0|0|0|-9223372036854775808|-9223372036854775808|5|15|7|0|0|0"),
        (##"{{ float64 "" }}|{{ float64 "1_0.5" }}|{{ float64 "_1" }}|{{ float64 "0x1_0p0" }}|{{ float64 "Inf" }}|{{ float64 "-infinity" }}|{{ float64 " 1" }}|{{ float64 "1e-400" }}|{{ float64 ".e1" }}|{{ float64 "1e" }}|{{ float64 "0x.8p1" }}|{{ float64 "1__0" }}"##, "0|10.5|0|16|+Inf|-Inf|0|0|0|0|1|0"),
        (##"{{ add1 "5" }}|{{ mod -7 3 }}|{{ div -7 2 }}|{{ mul 3 "x" }}|{{ max "a" }}|{{ toDecimal "-10" }}|{{ toDecimal "0o17" }}|{{ toDecimal true }}|{{ toDecimal "9" }}|{{ toDecimal 8 }}"##, "6|-1|-3|0|0|-8|0|0|0|0"),
        (##"{{ abbrevboth 0 10 "1234 5678 9123" }}|{{ abbrevboth 1 5 "1234 5678 9123" }}|{{ abbrevboth 10 10 "1234 5678 9123" }}|{{ abbrev 4 "" }}"##, "1234 56...|1234 5678 9123|...78 9123|"),
        (##"{{ trim "\u0085\u00a0x\u2003" | quote }}|{{ trimAll "" "$5$" }}|{{ trimPrefix "e" "e\u0301x" | quote }}|{{ lower "ΣΑΣ" }}"##, "\"x\"|$5$|\"́x\"|σασ"),
        (##"{{ quote "\u0000\u007f" "\u00a0" "😀" "\a\b\f\r\v\\" }}|{{ quote "\u200b\U000e0001" }}"##, "\"\\x00\\x7f\" \"\\u00a0\" \"😀\" \"\\a\\b\\f\\r\\v\\\\\"|\"\\u200b\\U000e0001\""),
        (##"{{ contains "e" "e\u0301" }}|{{ hasPrefix "e\u0301" "\u00e9" }}|{{ substr -1 -2 "hello" }}"##, "ERR: error calling substr: runtime error: slice bounds out of range [:-2]"),
        (##"{{ indent 0 "a\nb" }}|{{ shuffle "a" }}|{{ initials "" }}"##, "a\nb|a|"),
        (##"{{ b64dec "YWJjZA=\n=" }}|{{ b64dec "YWJjZ===" }}|{{ b64dec "YWJj=" }}|{{ b64dec "YWJjZA==\n" }}|{{ b64dec "YWJjZA==x" }}|{{ b64dec "YWJjZA" }}|{{ b64dec "YWJjZGU=" }}|{{ b64enc "é" }}"##, "abcd|illegal base64 data at input byte 5|illegal base64 data at input byte 4|abcd|illegal base64 data at input byte 8|illegal base64 data at input byte 4|abcde|w6k="),
        (##"{{ b32enc "coffee" }}|{{ b32enc "abc" }}|{{ b32enc "abcde" }}|{{ b32enc "a" }}|{{ b32dec "MFRG\nG===" }}|{{ b32dec "MFRGG==" }}|{{ b32dec "MFR=====" }}|{{ b32dec "mfrgg===" }}|{{ b32dec "MFRGGZDF" }}"##, "MNXWMZTFMU======|MFRGG===|MFRGGZDF|ME======|abc|illegal base32 data at input byte 7|illegal base32 data at input byte 3|illegal base32 data at input byte 0|abcde"),
        (##"{{ clean "../../a/.." }}|{{ clean "a/../.." }}|{{ clean "/a/b/../../.." }}|{{ clean "./" }}|{{ clean "abc/./def//" }}|{{ ext "a." }}|{{ dir "a" }}|{{ isAbs "" }}"##, "../..|..|/|.|abc/def|.|.|false"),
        (##"{{ mul 2 3 4.5 }}|{{ add 9223372036854775807 1 }}|{{ seq -2 }}|{{ seq 5 1 1 }}|{{ atoi "-99999999999999999999" }}|{{ atoi "0x10" }}|{{ int "0x" }}|{{ int "-+5" }}|{{ int "_1" }}"##, "24|-9223372036854775808|1 0 -1 -2||-9223372036854775808|0|0|0|0"),
        (##"{{ toString (b64dec "aGk=") }}|{{ until 0 }}|{{ untilStep 10 0 3 }}"##, "hi|[]|[]"),
        (##"{{ round "3.14159" 3 }}|{{ round 1234.5 -2 }}|{{ minf 2 -0.5 }}|{{ subf 1 }}|{{ mulf -2 0 }}|{{ divf 0 5 }}|{{ divf 1e-300 1e300 }}|{{ round 2.675 2 }}|{{ round 1e300 2 }}|{{ round 0.5 400 }}|{{ round 123.456 30 }}"##, "3.142|1200|-0.5|1|0|0|0|2.68|1e+300|NaN|123.45600000000002"),
        (##"{{ divf 1 7 }}|{{ divf 2 7 }}|{{ divf 5 9 }}|{{ divf -5 9 }}|{{ divf 1.5 0.7 }}|{{ mulf 0.1 0.1 0.1 }}|{{ subf 1e20 0.1 }}|{{ addf 1e-320 1e-320 }}|{{ divf 1 1e-20 }}|{{ divf 0.00000000000000001 3 }}"##, "0.1428571428571429|0.2857142857142857|0.5555555555555556|-0.5555555555555556|2.142857142857143|0.001|1e+20|2e-320|1e+20|0"),
        (##"{{ upper "ᾳﬀſıǅ" }}|{{ lower "İẞKǅ" }}|{{ title "ᾳbc ﬀx ǆ" }}|{{ swapcase "ǈ ß ᾳ" }}|{{ untitle "Ǆa Éb" }}"##, "ᾼﬀSIǄ|ißkǆ|ᾼbc ﬀx ǅ|ǉ ß ᾼ|ǆa éb"),
        (##"{{ nospace "a\u00a0b" }}|{{ nospace "a\u0085b c" }}|{{ initials "a\u00a0b" }}|{{ nospace "日本 語" }}|{{ nospace "a\u2003b" }}"##, "aÂb|aÂbc|ab|æ\u{97}¥æ\u{9c}¬èª\u{9e}|a\u{2003}b"),
        (##"{{ snakecase "日本Go語" }}|{{ snakecase "ÉcoleNormale" }}|{{ kebabcase "XMLHttpRequest" }}|{{ snakecase "a1B2c3" }}|{{ snakecase "__init__" }}|{{ snakecase "Hello, World!" }}|{{ camelcase "日本_語" }}|{{ camelcase "éa_éb" }}|{{ snakecase "ABC123def" }}|{{ snakecase "v1.2.3" }}|{{ kebabcase "a😀B" }}|{{ snakecase "ⅫRoman" }}"##, "日本_go_語|école_normale|xml-http-request|a1_b_2c3|__init__|hello,_world!|日本語|ÉaÉb|abc_123def|v1.2.3|a-😀-b|Ⅻ_roman"),
        (##"{{ trim "\u200b x \u200b" | quote }}|{{ trimAll "ab" "abcba" }}|{{ title "hello\u00a0world" }}|{{ title "ÿes" }}|{{ title "3rd place" }}"##, "\"\\u200b x \\u200b\"|c|Hello\u{a0}World|Ÿes|3rd Place"),
        (##"{{ shuffle "ab" | len }}|{{ wrap 4 "aaaa bbbb cc" }}|{{ wrap 10 "  lead   spaces here " | quote }}|{{ wrapWith 2 "" "abc def" | quote }}"##, "2|aaaa\nbbbb\ncc|\"lead  \\nspaces\\nhere \"|\"ab\\nc\\nde\\nf\""),
        (##"{{ substr 1 3 "日本語" }}|{{ trunc 1 "日本" }}|{{ initials "日本 語" }}"##, "\u{fffd}\u{fffd}|\u{fffd}|æè"),
        (##"{{ splitList "," "a,,b," }}|{{ split "" "" }}|{{ splitn "," -1 "a,b,c" }}|{{ splitn "," 1 "a,b,c" }}|{{ splitn "" 10 "ab" }}|{{ splitList "" "" }}|{{ splitList "ab" "xabyab" }}"##, "[a  b ]|map[]|map[_0:a _1:b _2:c]|map[_0:a,b,c]|map[_0:a _1:b]|[]|[x y ]"),
    ]

    /// Rows that also call `list`, `dict` or `semver` (registered by the lists/dicts/semver work).
    static let helmRendersWithCollections: [(String, String)] = [
        (##"{{ default "d" 0 }}|{{ default "d" "0" }}|{{ default "d" }}|{{ empty "0" }}|{{ empty (list) }}|{{ coalesce nil 0 "" "x" }}|{{ coalesce }}|{{ all 1 "a" }}|{{ all }}|{{ any }}|{{ any 0 "" 1 }}|{{ ternary "a" "b" true }}|{{ ternary "a" "b" false }}"##, "d|0|d|false|true|x||true|true|false|true|a|b"),
        (##"{{ typeOf nil }}|{{ kindOf nil }}|{{ kindOf (list) }}|{{ typeIsLike "string" "x" }}|{{ kindIs "map" (dict) }}|{{ deepEqual 1 1 }}|{{ deepEqual 1 (int64 1) }}|{{ deepEqual (list 1 2) (list 1 2) }}|{{ deepEqual (dict "a" 1) (dict "a" 1) }}|{{ deepEqual nil nil }}|{{ typeOf 1.5 }}|{{ typeOf (dict) }}"##, "<nil>|invalid|slice|true|true|true|false|true|true|true|float64|map[string]interface {}"),
        (##"{{ toString 1000000.0 }}|{{ toString nil }}|{{ toString (list 1 "a") }}|{{ int 3.7 }}|{{ int "010" }}|{{ int "3.00" }}|{{ int64 "-0x10" }}|{{ float64 "0x1p-2" }}|{{ float64 "0x10" }}|{{ float64 "1_000" }}|{{ int true }}|{{ int nil }}|{{ int "1_000" }}"##, "1e+06|<nil>|[1 a]|3|8|3|-16|0.25|0|1000|1|0|1000"),
        (##"{{ quote "\x00\x7f" "\u00a0" "😀" }}|{{ quote nil }}|{{ squote nil 1 }}|{{ quote (list "a" nil) }}|{{ squote (list "a") }}|{{ cat }}|{{ cat nil }}"##, "\"\\x00\\x7f\" \"\\u00a0\" \"😀\"||'1'|\"[a <nil>]\"|'[a]'||"),
        (##"{{ toStrings (list 1 nil "a") }}|{{ typeOf (toStrings (list 1)) }}|{{ sortAlpha (list "b" "C" "a" 10 9) }}|{{ sortAlpha "x" }}|{{ sortAlpha (dict "a" 1) }}|{{ join "-" (list 1 "a" 2.5 nil) }}|{{ join "-" "abc" }}|{{ join "-" (dict "a" 1) }}|{{ join "," (until 3) }}"##, "[1 a]|[]string|[10 9 C a b]|[x]|[map[a:1]]|1-a-2.5|abc|map[a:1]|0,1,2"),
        (##"{{ int (list 1) }}|{{ float64 (dict) }}|{{ int64 nil }}"##, "0|0|0"),
        (##"{{ wrap 0 "a b" }}|{{ wrap 5 "" }}|{{ cat 1e6 (list 1) }}|{{ replace "" "-" "" }}|{{ replace "aa" "b" "aaa" }}|{{ plural "one" "many" -1 }}"##, "a\nb||1e+06 [1]|-|ba|many"),
        (##"{{ default "d" "" "y" }}|{{ default "d" "x" "y" }}|{{ coalesce nil false }}|{{ any 0 nil }}|{{ empty (dict "a" 1) }}"##, "d|x||false|false"),
        (##"{{ deepEqual 1 1.0 }}|{{ deepEqual (list 1 2) (list 2 1) }}|{{ deepEqual (list "a") (splitList "," "a") }}|{{ deepEqual nil "" }}|{{ deepEqual (list nil) (list nil) }}|{{ typeIs "int" 1 }}|{{ kindIs "slice" "x" }}|{{ kindOf (int64 1) }}|{{ typeIsLike "Version" (semver "1.2.3") }}|{{ typeOf (semver "1.2.3") }}"##, "false|false|false|false|true|true|false|int64|false|*semver.Version"),
        (##"{{ default "x" .Values.missing }}|{{ coalesce .Values.a .Values.b "z" }}|{{ .Values.missing | quote }}|{{ .Values.missing | toString }}|{{ empty .Values.missing }}|{{ typeOf .Values.missing }}|{{ kindOf .Values.missing }}|{{ .Values.missing | squote }}|{{ cat .Values.missing "a" }}|{{ int .Values.missing }}|{{ add .Values.missing 1 }}|{{ ternary "a" "b" (empty .Values.x) }}"##, "x|z||<nil>|true|<nil>|invalid||a|0|1|a"),
        (##"{{ printf "%s-%s" "release" "name-that-is-very-long-and-exceeds-the-sixty-three-characters-limit" | trunc 63 | trimSuffix "-" }}|{{ "1.2.3+build" | replace "+" "_" }}|{{ toString 1.5 }}|{{ 8080.0 | quote }}|{{ 1e7 | int }}|{{ 123456789.0 | toString }}"##, "release-name-that-is-very-long-and-exceeds-the-sixty-three-char|1.2.3_build|1.5|\"8080\"|10000000|1.23456789e+08"),
        (##"{{ join "," (list) }}|{{ toStrings (list) }}|{{ sortAlpha (list) }}|{{ typeOf (sortAlpha nil) }}|{{ until 2 | toStrings }}|{{ toStrings (splitList "," "a,b") }}"##, "|[]|[]|[]string|[0 1]|[a b]"),
    ]

    static func renderedOrError(_ template: String) -> String {
        do {
            let set = try TemplateSet.parse([TemplateSource(name: "t", text: template)], functions: .standard)
            // Helm deletes "<no value>" from every rendered file (a nil result such as `coalesce`'s).
            return try set.execute("t", data: .map(["Values": .map([:])]), options: ExecutionOptions(
                clock: FixedClock(TemplateTime(seconds: 0)), random: RandomSource(seed: 1)))
                .replacingOccurrences(of: "<no value>", with: "")
        } catch {
            let text = "\(error)"
            if let r = Substring(text).range(of: "error calling ") { return "ERR: " + text[r.lowerBound...] }
            return "ERR (unexpected form): " + text
        }
    }

    @Test(arguments: helmRenders)
    func matchesHelm(_ template: String, _ want: String) {
        #expect(Self.renderedOrError(template) == want)
    }

    @Test(arguments: helmRendersWithCollections)
    func matchesHelmWithCollections(_ template: String, _ want: String) {
        #expect(Self.renderedOrError(template) == want)
    }

    /// Argument conversion happens in the executor per the declared Go signature; the messages are
    /// Go's (constants: `expected integer; found "3"`; other values: `wrong type for value; …`).
    @Test(arguments: [
        (##"{{ trunc "3" "abcdef" }}"##, ##"expected integer; found "3""##),
        (##"{{ upper 1 }}"##, "expected string; found 1"),
        (##"{{ ternary 1 2 "x" }}"##, ##"expected bool; found "x""##),
        (##"{{ repeat 1.5 "a" }}"##, "expected integer; found 1.5"),
        (##"{{ upper .Values.n }}"##, "wrong type for value; expected string; got float64"),
        (##"{{ indent .Values.s "a" }}"##, "wrong type for value; expected int; got string"),
        // Helm: `add` returns int64, which Go will not pass as an int (`int` converts).
        (##"{{ trunc (add 1 2) "abcdef" }}"##, "wrong type for value; expected int; got int64"),
        (##"{{ until (int64 3) }}"##, "wrong type for value; expected int; got int64"),
    ])
    func argumentTypesAreChecked(_ template: String, _ fragment: String) {
        let text = renderError(template, values: ["n": 3.0, "s": "x"])
        #expect(text.contains(fragment), "\(text)")
    }
}
