import Testing
import Templating
#if canImport(Glibc)
    import Glibc
#endif

/// Goldens made by rendering each template as `t/templates/t.yaml` with Helm v4.2.3 (helm_python,
/// TZ=UTC). Errors compare Go's full error text; outputs have `<no value>` removed as Helm does.
@Suite struct FuncsBHelmGoldenTests {
    init() {
        setenv("TZ", "UTC", 1)
        tzset()
    }

    static let cases: [(String, Bool, String)] = [
        ("{{ list 1 \"a\" 2.5 nil }}", false, "[1 a 2.5 <nil>]"),
        ("{{ tuple }}", false, "[]"),
        ("{{ append (list 1 2) 3 }}", false, "[1 2 3]"),
        ("{{ prepend (list 1 2) 0 }}", false, "[0 1 2]"),
        ("{{ first (list 1 2) }}|{{ last (list 1 2) }}|{{ rest (list 1 2 3) }}|{{ initial (list 1 2 3) }}", false, "1|2|[2 3]|[1 2]"),
        ("{{ first (list) }}|{{ rest (list) }}", false, "|[]"),
        ("{{ reverse (list 1 2 3) }} {{ uniq (list 1 1 \"1\" 2 1) }} {{ without (list 1 2 3 2) 2 }}", false, "[3 2 1] [1 1 2] [1 3]"),
        ("{{ has 2 (list 1 2) }} {{ has \"2\" (list 1 2) }} {{ has 1 nil }}", false, "true false false"),
        ("{{ compact (list 0 \"\" nil false \"a\" (list) (dict) 1) }}", false, "[a 1]"),
        ("{{ slice (list 1 2 3 4) 1 3 }} {{ slice (list 1 2 3 4) 2 }} {{ slice (list 1 2 3 4) }} {{ typeOf (slice (splitList \",\" \"a,b,c\") 1) }}", false, "[2 3] [3 4] [1 2 3 4] []string"),
        ("{{ slice \"hello\" 1 3 }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <slice \"hello\" 1 3>: error calling slice: list should be type of slice or array but string"),
        ("{{ slice (list 1 2) 1 5 }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <slice (list 1 2) 1 5>: error calling slice: reflect.Value.Slice: slice index out of bounds"),
        ("{{ concat (list 1 2) (list 3) (splitList \",\" \"x,y\") }}", false, "[1 2 3 x y]"),
        ("{{ chunk 2 (list 1 2 3 4 5) }} {{ chunk 3 (list) }}", false, "[[1 2] [3 4] [5]] []"),
        ("{{ chunk 0 (list 1 2) }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <chunk 0 (list 1 2)>: error calling chunk: runtime error: makeslice: len out of range"),
        ("{{ first \"abc\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <first \"abc\">: error calling first: Cannot find first on type string"),
        ("{{ mustFirst 1 }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustFirst 1>: error calling mustFirst: Cannot find first on type int"),
        ("{{ last nil }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <last nil>: error calling last: runtime error: invalid memory address or nil pointer dereference"),
        ("{{ push \"x\" 1 }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <push \"x\" 1>: error calling push: Cannot push on type string"),
        ("{{ concat (list 1) 2 }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <concat (list 1) 2>: error calling concat: Cannot concat type int as list"),
        ("{{ mustChunk 2 \"x\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustChunk 2 \"x\">: error calling mustChunk: Cannot chunk type string"),
        ("{{ reverse (until 3) }} {{ first (until 3) | typeOf }}", false, "[2 1 0] int"),
        ("{{ dict \"a\" 1 \"b\" }} {{ dict }} {{ dict 1 2 }}", false, "map[a:1 b:] map[] map[1:2]"),
        ("{{ $d := dict \"a\" 1 }}{{ set $d \"b\" 2 }} {{ $d }} {{ unset $d \"a\" }} {{ $d }}", false, "map[a:1 b:2] map[a:1 b:2] map[b:2] map[b:2]"),
        ("{{ get (dict \"a\" 1) \"a\" }}|{{ get (dict \"a\" 1) \"b\" }}|{{ hasKey (dict \"a\" 1) \"a\" }}", false, "1||true"),
        ("{{ pluck \"a\" (dict \"a\" 1) (dict \"b\" 2) (dict \"a\" 3) }}", false, "[1 3]"),
        ("{{ keys (dict \"b\" 1 \"a\" 2 \"c\" 3) | sortAlpha }} {{ values (dict \"a\" 1) }}", false, "[a b c] [1]"),
        ("{{ pick (dict \"a\" 1 \"b\" 2 \"c\" 3) \"a\" \"c\" \"z\" }} {{ omit (dict \"a\" 1 \"b\" 2 \"c\" 3) \"a\" \"c\" }}", false, "map[a:1 c:3] map[b:2]"),
        ("{{ dig \"a\" \"b\" \"c\" \"dflt\" (dict \"a\" (dict \"b\" (dict \"c\" \"found\"))) }} {{ dig \"a\" \"x\" \"dflt\" (dict \"a\" (dict \"b\" 1)) }}", false, "found dflt"),
        ("{{ dig \"a\" (dict) }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <dig \"a\" (dict)>: error calling dig: dig needs at least three arguments"),
        ("{{ merge (dict \"a\" \"\" \"b\" 0 \"c\" \"keep\") (dict \"a\" \"x\" \"b\" 5 \"c\" \"no\" \"d\" \"new\") }}", false, "map[a:x b:5 c:keep d:new]"),
        ("{{ mergeOverwrite (dict \"a\" 1 \"n\" (dict \"x\" 1 \"y\" 2)) (dict \"a\" 2 \"n\" (dict \"x\" 9)) }}", false, "map[a:2 n:map[x:9 y:2]]"),
        ("{{ merge (dict \"n\" (dict \"x\" 1)) (dict \"n\" (dict \"x\" 2 \"y\" 3)) (dict \"z\" 1) }}", false, "map[n:map[x:1 y:3] z:1]"),
        ("{{ merge (dict \"l\" (list 1)) (dict \"l\" (list 2 3)) }} {{ mergeOverwrite (dict \"l\" (list 1)) (dict \"l\" (list)) }}", false, "map[l:[1]] map[l:[]]"),
        ("{{ merge (dict \"m\" (dict \"x\" 1)) (dict \"m\" \"s\") }} {{ mergeOverwrite (dict \"m\" (dict \"x\" 1)) (dict \"m\" \"s\") }} {{ merge (dict \"m\" \"s\") (dict \"m\" (dict \"x\" 1)) }}", false, "map[m:map[x:1]] map[m:s] map[m:s]"),
        ("{{ mergeOverwrite (dict \"a\" true) (dict \"a\" false) }} {{ merge (dict \"a\" false) (dict \"a\" true) }}", false, "map[a:false] map[a:true]"),
        ("{{ $d := dict \"a\" (dict \"b\" 1) }}{{ $c := deepCopy $d }}{{ set $d.a \"b\" 2 }} {{ $c }}", false, "map[b:2] map[a:map[b:1]]"),
        ("{{ deepCopy nil }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <deepCopy nil>: error calling deepCopy: reflect: call of reflect.Value.Type on zero Value"),
        ("{{ regexMatch \"^[a-z]+$\" \"abc\" }} {{ regexMatch \"(\" \"x\" }} {{ regexMatch \"a$\" \"a\\n\" }}", false, "true false false"),
        ("{{ regexFind \"[0-9]+\" \"abc123def456\" }} {{ regexFindAll \"[0-9]+\" \"a1b22c333\" -1 }} {{ regexFindAll \"[0-9]+\" \"a1b22c333\" 2 }}", false, "123 [1 22 333] [1 22]"),
        ("{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\" }} {{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$1W\" }} {{ regexReplaceAllLiteral \"a(x*)b\" \"-ab-axxb-\" \"${1}\" }}", false, "-W-xxW- --- -${1}-${1}-"),
        ("{{ regexReplaceAll \"a*\" \"baaac\" \"X\" }} {{ regexReplaceAll \"(?P<first>\\\\w+) (?P<last>\\\\w+)\" \"John Smith\" \"${last}, ${first}\" }}", false, "XbXcX Smith, John"),
        ("{{ regexSplit \"z+\" \"pizza\" -1 }} {{ regexSplit \"a*\" \"abaabaccadaaae\" 5 }} {{ regexSplit \"\" \"abc\" -1 }} {{ regexSplit \"x\" \"\" -1 }}", false, "[pi a] [ b b c cadaaae] [a b c] []"),
        ("{{ regexQuoteMeta \"1.2.3+[x]\" }}", false, "1\\.2\\.3\\+\\[x\\]"),
        ("{{ regexFind \"(\" \"x\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <regexFind \"(\" \"x\">: error calling regexFind: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"),
        ("{{ mustRegexFind \"a**\" \"x\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustRegexFind \"a**\" \"x\">: error calling mustRegexFind: error parsing regexp: invalid nested repetition operator: `**`"),
        ("{{ regexFindAll \"\\\\w+\" \"héllo wörld\" -1 }} {{ regexFindAll \"\\\\bfoo\\\\b\" \"foo food foo\" -1 }} {{ regexMatch \"\\\\d\" \"٣\" }}", false, "[h llo w rld] [foo foo] false"),
        ("{{ regexReplaceAll \"(?i)HELLO\" \"hello Hello\" \"bye\" }} {{ regexReplaceAll \"(?m)^\" \"a\\nb\" \"> \" }} {{ regexFindAll \"(?s)a.b\" \"a\\nb\" -1 }}", false, "bye bye > a\n> b [a\nb]"),
        ("{{ regexFindAll \"[[:upper:]]+\" \"abCDeF\" -1 }} {{ regexFindAll \"\\\\pL+\" \"ab1é\" -1 }} {{ regexFindAll \"[^[:space:]]+\" \"a b\\tc\" -1 }}", false, "[CD F] [ab é] [a b c]"),
        ("{{ mustRegexMatch \"x{1001}\" \"x\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustRegexMatch \"x{1001}\" \"x\">: error calling mustRegexMatch: error parsing regexp: invalid repeat count: `{1001}`"),
        ("{{ regexReplaceAll \"(a)(b)?\" \"ab a\" \"[$2]\" }} {{ regexReplaceAll \"\" \"abc\" \"-\" }} {{ regexReplaceAll \"b*\" \"abc\" \"-\" }}", false, "[b] [] -a-b-c- -a-c-"),
        ("{{ semverCompare \">=1.20-0\" \"v1.36.0\" }} {{ semverCompare \"<1.19\" \"v1.36.0\" }} {{ semverCompare \"^1.2.0\" \"1.2.3\" }}", false, "true false true"),
        ("{{ semverCompare \"~1.2.3\" \"1.2.9\" }} {{ semverCompare \">= 1.2 < 2.0\" \"1.9.9-beta\" }} {{ semverCompare \"1.2.x || 2.x\" \"2.5.0\" }}", false, "true false true"),
        ("{{ (semver \"1.2.3-beta.1+meta\").Prerelease }} {{ (semver \"v2.0\").Major }} {{ (semver \"1.2.3\").Compare (semver \"1.3.0\") }} {{ semver \"1.2\" }}", false, "beta.1 2 -1 1.2.0"),
        ("{{ semverCompare \"bad\" \"1.0.0\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <semverCompare \"bad\" \"1.0.0\">: error calling semverCompare: improper constraint: \"bad\""),
        ("{{ semver \"1.2.3.4\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <semver \"1.2.3.4\">: error calling semver: invalid semantic version"),
        ("{{ urlParse \"https://u:p@h.example:8080/p/a?q=1#frag\" }}", false, "map[fragment:frag host:h.example:8080 hostname:h.example opaque: path:/p/a query:q=1 scheme:https userinfo:u:p]"),
        ("{{ urlJoin (dict \"scheme\" \"http\" \"host\" \"h\" \"path\" \"/x y\" \"query\" \"a=b\") }}", false, "http://h/x%20y?a=b"),
        ("{{ urlParse \"%zz\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <urlParse \"%zz\">: error calling urlParse: unable to parse url: parse \"%zz\": invalid URL escape \"%zz\""),
        ("{{ date \"2006-01-02T15:04:05Z07:00\" (toDate \"2006-01-02 15:04\" \"2024-03-05 13:04\") }} {{ date \"Jan 2, 2006 at 3:04pm (MST)\" 1700000000 }}", false, "2024-03-05T13:04:00Z Nov 14, 2023 at 10:13pm (UTC)"),
        ("{{ dateInZone \"2006-01-02 15:04 MST -07:00\" (toDate \"2006-01-02\" \"2024-07-01\") \"Europe/Paris\" }} {{ dateInZone \"15:04 MST\" 1700000000 \"Asia/Tokyo\" }}", false, "2024-07-01 02:00 CEST +02:00 07:13 JST"),
        ("{{ dateInZone \"2006-01-02 15:04 MST\" (toDate \"2006-01-02\" \"2024-03-31\") \"Australia/Sydney\" }} {{ dateInZone \"2006-01-02 15:04 MST\" (toDate \"2006-01-02\" \"2090-01-31\") \"Australia/Sydney\" }}", false, "2024-03-31 11:00 AEDT 2090-01-31 11:00 AEDT"),
        ("{{ dateInZone \"2006-01-02 15:04 MST\" 0 \"America/Sao_Paulo\" }} {{ dateInZone \"2006-01-02 15:04 MST\" (int64 -5000000000) \"Europe/London\" }} {{ dateInZone \"2006-01-02 15:04 MST\" 4102444800 \"America/New_York\" }}", false, "1969-12-31 21:00 -03 1811-07-23 15:05 LMT 2099-12-31 19:00 EST"),
        ("{{ toDate \"2006-01-02\" \"2024-03-05\" | date \"Monday\" }} {{ (toDate \"2006-01-02\" \"2024-03-05\").Weekday }} {{ (toDate \"2006-01-02\" \"2024-03-05\").Year }}", false, "Tuesday Tuesday 2024"),
        ("{{ mustToDate \"2006-01-02\" \"2024-02-30\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustToDate \"2006-01-02\" \"2024-02-30\">: error calling mustToDate: parsing time \"2024-02-30\": day out of range"),
        ("{{ duration \"3661\" }} {{ duration 10 }} {{ durationRound \"3h5m\" }} {{ durationRound \"400h\" }} {{ durationRound \"9000h\" }}", false, "1h1m1s 0s 3h 16d 1y"),
        ("{{ dateModify \"-1h\" (toDate \"2006-01-02\" \"2024-03-05\") }} {{ dateModify \"+90m\" (toDate \"2006-01-02\" \"2024-03-05\") | date \"15:04\" }}", false, "2024-03-04 23:00:00 +0000 UTC 01:30"),
        ("{{ mustDateModify \"10x\" (toDate \"2006-01-02\" \"2024-03-05\") }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustDateModify \"10x\" (toDate \"2006-01-02\" \"2024-03-05\")>: error calling mustDateModify: time: unknown unit \"x\" in duration \"10x\""),
        ("{{ unixEpoch (toDate \"2006-01-02 15:04:05\" \"2024-03-05 10:00:00\") }}", false, "1709632800"),
        ("{{ sha256sum \"hello\" }} {{ sha1sum \"\" }} {{ adler32sum \"hello world\" }}", false, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 da39a3ee5e6b4b0d3255bfef95601890afd80709 436929629"),
        ("{{ derivePassword 3 \"long\" \"secret\" \"alice\" \"helm.sh\" }} {{ derivePassword 1 \"maximum\" \"pw\" \"\" \"\" }}", false, "RovpNarvFidu6( GLdfZ8zZkTMA(ejo0T9]"),
        ("{{ decryptAES \"key\" \"\" }}|{{ encryptAES \"key\" \"\" }}", false, "|"),
        ("{{ genPrivateKey \"nope\" }}", false, "Unknown type nope"),
        ("{{ buildCustomCert \"bm90IGJhc2U2NA==\" \"eA==\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <buildCustomCert \"bm90IGJhc2U2NA==\" \"eA==\">: error calling buildCustomCert: unable to decode certificate"),
        ("{{ getHostByName \"localhost\" }}|", false, "|"),
        ("{{ semverCompare \">=1.8-0\" \"v1.36.0+k3s1\" }} {{ semverCompare \">=1.19.0-0 <1.21.0-0\" \"v1.20.5-eks-123\" }} {{ semverCompare \"<1.25.0-0\" \"v1.36.0\" }}", false, "true true false"),
        ("{{ semverCompare \">=1.21-0\" \"v1.36.0-gke.1\" }} {{ semverCompare \"> 1.2.3\" \"1.2.4\" }} {{ semverCompare \"=1.2\" \"1.2.7\" }} {{ semverCompare \"!=1.2.3\" \"1.2.3\" }}", false, "true true true false"),
        ("{{ semverCompare \"1.2.3 - 1.2.5\" \"1.2.4-rc1\" }} {{ semverCompare \"x\" \"0.0.1\" }} {{ semverCompare \"^0.0.x\" \"0.0.5\" }} {{ semverCompare \"~0.1\" \"0.1.9\" }}", false, "false true true true"),
        ("{{ semverCompare \">=1.2.3,<=1.2.3\" \"1.2.3\" }} {{ semverCompare \">1.2.3-alpha\" \"1.2.3-beta\" }} {{ semverCompare \"<=1.2.x\" \"1.2.99\" }} {{ semverCompare \"<=1.x\" \"1.99.99\" }}", false, "true true true true"),
        ("{{ semverCompare \"<1.x\" \"1.0.0\" }} {{ semverCompare \">1.x\" \"2.0.0\" }} {{ semverCompare \"!=1.x\" \"2.0.0\" }} {{ semverCompare \"!=1.x\" \"1.5.0\" }} {{ semverCompare \"=*\" \"1.0.0\" }}", false, "false true true false true"),
        ("{{ semverCompare \">=v1.2\" \"1.3.0\" }} {{ semverCompare \"~>1\" \"1.9.0\" }} {{ semverCompare \"1.2.3||1.2.4\" \"1.2.4\" }} {{ semverCompare \"  >= 1.0  \" \"1.0.0\" }}", false, "true true true true"),
        ("{{ semverCompare \">=1.0 ||\" \"1.0.0\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <semverCompare \">=1.0 ||\" \"1.0.0\">: error calling semverCompare: improper constraint: \"\""),
        ("{{ semverCompare \">==1.0\" \"1.0.0\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <semverCompare \">==1.0\" \"1.0.0\">: error calling semverCompare: improper constraint: \">==1.0\""),
        ("{{ semverCompare \"1.0.0-\" \"1.0.0\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <semverCompare \"1.0.0-\" \"1.0.0\">: error calling semverCompare: improper constraint: \"1.0.0-\""),
        ("{{ semver \"1.2.3-alpha..1\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <semver \"1.2.3-alpha..1\">: error calling semver: invalid semantic version"),
        ("{{ semver \"v1.2.3-rc.1+build.5\" }} {{ (semver \"1.0.0\").LessThan (semver \"1.0.0-rc1\") }} {{ (semver \"1.0.0-alpha.beta\").Compare (semver \"1.0.0-alpha.1\") }}", false, "1.2.3-rc.1+build.5 false 1"),
        ("{{ has 1 (list 1.0) }} {{ uniq (splitList \",\" \"a,b,a\") }} {{ keys (dict \"b\" 1) (dict \"a\" 2) }}", false, "false [a b] [b a]"),
        ("{{ regexReplaceAll \"[^a-z0-9-]\" \"My_Chart.Name\" \"-\" }} {{ regexReplaceAll \"^(.{0,5}).*$\" \"abcdefgh\" \"$1\" }} {{ regexFind \"(?i)helm\" \"HeLm rocks\" }}", false, "-y--hart--ame abcde HeLm"),
        ("{{ urlParse \"postgres://user@db.host/mydb?sslmode=disable\" }}", false, "map[fragment: host:db.host hostname:db.host opaque: path:/mydb query:sslmode=disable scheme:postgres userinfo:user]"),
        ("{{ urlParse \"http://[fe80::1%25en0]:8080/\" }}", false, "map[fragment: host:[fe80::1%en0]:8080 hostname:fe80::1%en0 opaque: path:/ query: scheme:http userinfo:]"),
        ("{{ urlParse \"//host/path\" }} {{ urlParse \"host:8080\" }}", false, "map[fragment: host:host hostname:host opaque: path:/path query: scheme: userinfo:] map[fragment: host: hostname: opaque:8080 path: query: scheme:host userinfo:]"),
        ("{{ toDate \"2006-01-02T15:04:05Z07:00\" \"2024-03-05T10:00:00-08:00\" | date \"2006-01-02 15:04 MST\" }}", false, "2024-03-05 18:00 UTC"),
        ("{{ dateInZone \"2006-01-02 15:04 MST\" 1700000000 \"Local\" }} {{ dateInZone \"2006-01-02 15:04 MST\" 1700000000 \"\" }} {{ dateInZone \"2006-01-02 15:04 MST\" 1700000000 \"EST\" }} {{ dateInZone \"2006-01-02 15:04 MST\" 1700000000 \"Etc/GMT+5\" }}", false, "2023-11-14 22:13 UTC 2023-11-14 22:13 UTC 2023-11-14 17:13 EST 2023-11-14 17:13 -05"),
        ("{{ date \"2006-01-02 15:04:05.000000 .999999999 ,9\" (mustDateModify \"1.000000001s\" (toDate \"2006-01-02\" \"2024-03-05\")) }}", false, "2024-03-05 00:00:01.000000 .000000001 "),
        ("{{ regexFindAll \"a|ab\" \"ab\" -1 }} {{ regexFindAll \"(a|ab)(c|bcd)\" \"abcd\" -1 }} {{ regexReplaceAll \"x*\" \"\" \"-\" }} {{ regexSplit \",\" \"a,b,,c,\" -1 }} {{ regexSplit \",\" \"a,b,c\" 2 }} {{ regexSplit \",\" \"a,b,c\" 0 }}", false, "[a] [abcd] - [a b  c ] [a b,c] []"),
        ("{{ regexFindAll \"[a-c-e]+\" \"a-eb\" -1 }} {{ regexFindAll \"[\\\\d\\\\-]+\" \"12-3x\" -1 }} {{ regexFindAll \"\\\\x41\\\\x{42}\" \"ABC\" -1 }} {{ regexFindAll \"[^\\\\x00-\\\\x7F]+\" \"abcéü\" -1 }}", false, "[a-eb] [12-3] [AB] [éü]"),
        ("{{ regexMatch \"^\\\\s*$\" \"  \\t\" }} {{ regexMatch \"(?U)a+\" \"aaa\" }} {{ regexFind \"(?U)a+\" \"aaa\" }} {{ regexFind \"a+?\" \"aaa\" }} {{ regexFind \"(?U)a+?\" \"aaa\" }}", false, "true true a a aaa"),
        ("{{ regexFind \"(a+)(b+)?\" \"aaab\" }} {{ regexReplaceAll \"(\\\\w+)@(\\\\w+)\\\\.com\" \"x@y.com z@w.com\" \"$2:$1\" }} {{ regexFindAll \"x{2,}\" \"xxxxx x xx\" -1 }} {{ regexFind \"a{2,3}?\" \"aaaa\" }}", false, "aaab y:x w:z [xxxxx xx] aa"),
        ("{{ regexFind \"(?i)straße\" \"STRASSE\" }}|{{ regexFind \"(?i)k\" \"K\" }}|{{ regexFindAll \"\\\\p{Greek}+\" \"abc αβγ δ\" -1 }} {{ regexFindAll \"\\\\PL+\" \"ab12cd\" -1 }} {{ regexFindAll \"[\\\\p{Lu}]\" \"aBcD\" -1 }}", false, "|K|[αβγ δ] [12] [B D]"),
        ("{{ regexReplaceAll \"(a|ab)(c|bcd)(d*)\" \"abcd\" \"[$1|$2|$3]\" }} {{ regexReplaceAll \"(a*)+\" \"b\" \"<$1>\" }} {{ regexReplaceAll \"(a*)*\" \"b\" \"<$1>\" }} {{ regexReplaceAll \"(?:(a)|b)+\" \"ab\" \"[$1]\" }}", false, "[a|bcd|] <>b<> <>b<> [a]"),
        ("{{ regexSplit \"\\\\s*,\\\\s*\" \"a , b,c\" -1 }} {{ regexReplaceAll \"(?i)[a-c]\" \"ABCDabcd\" \".\" }} {{ regexReplaceAll \"(?i)[^a-c]\" \"ABCDabcd\" \".\" }} {{ regexFindAll \"(?U)a+b\" \"aaab\" -1 }}", false, "[a b c] ...D...d ABC.abc. [aaab]"),
        ("{{ regexReplaceAll \"(x)?y\" \"y xy\" \"[$1]\" }} {{ regexReplaceAll \"\\\\b\" \"ab cd\" \"|\" }} {{ regexReplaceAll \"$\" \"ab\\n\" \"!\" }} {{ regexReplaceAll \"(?m)$\" \"ab\\ncd\" \"!\" }}", false, "[] [x] |ab| |cd| ab\n! ab!\ncd!"),
        ("{{ regexFindAll \".\" \"a\\u00e9\\u4e16\" -1 }} {{ regexFind \"[[:^alpha:]]+\" \"ab12cd\" }} {{ regexFind \"[^[:^digit:]x]+\" \"ab12x3\" }} {{ regexFindAll \"\\\\D+\" \"a1b22\" -1 }}", false, "[a é 世] 12 12 [a b]"),
        ("{{ regexReplaceAll \"a{0}\" \"xyz\" \"-\" }} {{ regexFindAll \"(a)|(b)\" \"ab\" -1 }} {{ regexReplaceAll \"(?P<y>\\\\d{4})-(?P<m>\\\\d{2})\" \"2024-03\" \"${m}/${y}\" }} {{ regexReplaceAll \"(\\\\d)\" \"a1b2\" \"$10\" }}", false, "-x-y-z- [a b] 03/2024 ab"),
        ("{{ regexMatch \"^(\\\\w+\\\\s?)*$\" \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\" }} {{ regexMatch \"(a*)*b\" \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac\" }}", false, "false false"),
        ("{{ regexFind \"\\\\p{Han}+\" \"abc世界def\" }} {{ regexFind \"\\\\pN+\" \"x٣4y\" }} {{ regexFind \"\\\\p{^L}+\" \"ab12\" }} {{ regexFind \"[\\\\P{L}]+\" \"ab12\" }}", false, "世界 ٣4 12 12"),
        ("{{ mustRegexFind \"\\\\p{Foo}\" \"x\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustRegexFind \"\\\\p{Foo}\" \"x\">: error calling mustRegexFind: error parsing regexp: invalid character class range: `\\p{Foo}`"),
        ("{{ mustRegexFind \"[a-\\\\d]\" \"x\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustRegexFind \"[a-\\\\d]\" \"x\">: error calling mustRegexFind: error parsing regexp: invalid escape sequence: `\\d`"),
        ("{{ mustRegexFind \"(?P<n>a)(?P<n>b)\" \"x\" }}", false, ""),
        ("{{ mustRegexFind \"(?i\" \"x\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustRegexFind \"(?i\" \"x\">: error calling mustRegexFind: error parsing regexp: invalid or unsupported Perl syntax: `(?i`"),
        ("{{ mustRegexFind \"x{2}{3}\" \"x\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustRegexFind \"x{2}{3}\" \"x\">: error calling mustRegexFind: error parsing regexp: invalid nested repetition operator: `{2}{3}`"),
        ("{{ mustRegexFind \"\\\\8\" \"x\" }}", true, "template: t/templates/t.yaml:1:3: executing \"t/templates/t.yaml\" at <mustRegexFind \"\\\\8\" \"x\">: error calling mustRegexFind: error parsing regexp: invalid escape sequence: `\\8`"),
    ]

    @Test(arguments: cases)
    func render(template: String, isError: Bool, want: String) throws {
        let name = "t/templates/t.yaml"
        let options = ExecutionOptions(clock: FixedClock(TemplateTime(seconds: 1_709_596_800)), random: RandomSource(seed: 1))
        do {
            let set = try TemplateSet.parse([TemplateSource(name: name, text: template)], functions: .standard)
            let out = try set.execute(name, data: .null, options: options)
            #expect(!isError, "expected an error, got output")
            #expect(out.replacingOccurrences(of: "<no value>", with: "") == want)
        } catch let e as TemplateError {
            #expect(isError, "unexpected error")
            #expect(e.goDescription == want)
        }
    }
}
