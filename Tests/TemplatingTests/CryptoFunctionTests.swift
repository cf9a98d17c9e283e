import Testing
import Templating

@Suite struct CryptoFunctionTests {
    // Expectations from Helm v4.2.3 renders.
    @Test func hashes() throws {
        #expect(try callB("sha1sum", .s("abc")).goString == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(try callB("sha256sum", .s("abc")).goString
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try callB("sha512sum", .s("abc")).goString
            == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(try callB("adler32sum", .s("abc")).goString == "38600999")
        #expect(try callB("adler32sum", .s("")).goString == "1")
        #expect(try callB("adler32sum", .s(String(repeating: "x", count: 100_000))).goString == "2116691386")
    }

    @Test(arguments: [
        ("long", "ZedaFaxcZaso9*"), ("maximum", "pf4zS1LjCg&LjhsZ7T2~"), ("medium", "ZedJuz8$"), ("short", "Zed5"),
        ("basic", "pIS54PLs"), ("pin", "6685"), ("name", "cannot find password template name"),
    ])
    func derivePassword(type: String, want: String) throws {
        #expect(try callB("derivePassword", .i(1), .s(type), .s("password"), .s("user"), .s("example.com")).goString == want)
    }

    @Test func aes() throws {
        let enc = try callB("encryptAES", .s("secretkey"), .s("plaintext")).goString
        #expect(enc.count == 44)
        #expect(try callB("decryptAES", .s("secretkey"), .s(enc)).goString == "plaintext")
        #expect(try callB("encryptAES", .s("k"), .s("")).goString == "")
        #expect(try callB("decryptAES", .s("k"), .s("")).goString == "")
        // A long password is cut to 32 bytes.
        let long = String(repeating: "p", count: 40)
        let enc2 = try callB("encryptAES", .s(long), .s(String(repeating: "z", count: 33))).goString
        #expect(try callB("decryptAES", .s(String(long.prefix(32))), .s(enc2)).goString == String(repeating: "z", count: 33))
        #expect(callBError("decryptAES", .s("secretkey"), .s("bad")) == "illegal base64 data at input byte 0")
        #expect(callBError("decryptAES", .s("secretkey"), .s("aGVsbG8="))
            == "runtime error: slice bounds out of range [:16] with capacity 6")
        #expect(callBError("decryptAES", .s("secretkey"), .s("MTIzNDU2Nzg5MDEyMzQ1NjEyMzQ1Njc4OTAxMjM0NTY="))
            == "runtime error: slice bounds out of range [:-70]")
    }

    @Test func randomShapes() throws {
        let uuid = try callB("uuidv4").goString
        let parts = uuid.split(separator: "-")
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
        #expect(parts[2].first == "4")
        #expect(["8", "9", "a", "b"].contains(parts[3].first.map(String.init) ?? ""))
        #expect(try callB("randBytes", .i(12)).goString.count == 16)
        #expect(try callB("uuidv4", env: FuncsBEnvironment(seed: 7)).goString
            == (try callB("uuidv4", env: FuncsBEnvironment(seed: 7)).goString))
    }

    @Test func bcrypt() throws {
        let h = try callB("bcrypt", .s("x")).goString
        #expect(h.count == 60)
        #expect(h.hasPrefix("$2a$10$"))
        let ht = try callB("htpasswd", .s("user"), .s("pass")).goString
        #expect(ht.count == 65)
        #expect(ht.hasPrefix("user:$2a$10$"))
        #expect(try callB("htpasswd", .s("us:er"), .s("pass")).goString == "invalid username: us:er")
        #expect(try callB("bcrypt", .s(String(repeating: "a", count: 73))).goString
            == "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes")
    }
}
