import Testing
import Templating
import StructuredData

@Suite struct CertificateFunctionTests {
    static func fields(_ v: TemplateValue) -> (cert: String, key: String)? {
        guard case .object(let o) = v, case .field(let c)? = o.member("Cert"), case .field(let k)? = o.member("Key")
        else { return nil }
        return (c.goString, k.goString)
    }

    @Test func privateKeys() throws {
        #expect(try callB("genPrivateKey", .s("ecdsa")).goString.hasPrefix("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI"))
        #expect(try callB("genPrivateKey", .s("ed25519")).goString.hasPrefix("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYD"))
        #expect(try callB("genPrivateKey", .s("foo")).goString == "Unknown type foo")
        let rsa = try callB("genPrivateKey", .s("rsa")).goString
        #expect(rsa.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\nMIIJ"))
        #expect(rsa.hasSuffix("-----END RSA PRIVATE KEY-----\n"))
    }

    @Test func caAndSignedCert() throws {
        let ca = try callB("genCA", .s("foo-ca"), .i(365))
        #expect(ca.goTypeName == "sprig.certificate")
        guard let (caCert, caKey) = Self.fields(ca) else { Issue.record("no fields"); return }
        #expect(caCert.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
        #expect(caKey.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\n"))
        let signed = try callB("genSignedCert", .s("foo.svc"), .l(.s("10.0.0.1"), .s("::1")), .l(.s("foo.svc"), .s("foo")),
                               .i(30), ca)
        guard let (cert, key) = Self.fields(signed) else { Issue.record("no fields"); return }
        #expect(cert.hasPrefix("-----BEGIN CERTIFICATE-----\n") && cert.hasSuffix("-----END CERTIFICATE-----\n"))
        #expect(key.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\n"))
        // buildCustomCert parses what genSignedCert produced.
        let built = try callB("buildCustomCert", .s(Base64.encode(Array(cert.utf8))), .s(Base64.encode(Array(key.utf8))))
        #expect(Self.fields(built)?.cert == cert)
        #expect(built.dataValue.mapValue?["Key"]?.stringValue == key)
    }

    @Test func withKeys() throws {
        let ec = try callB("genPrivateKey", .s("ecdsa"))
        let ca = try callB("genCAWithKey", .s("ca"), .i(10), ec)
        #expect(Self.fields(ca)?.key == ec.goString)
        let self1 = try callB("genSelfSignedCertWithKey", .s("x"), .null, .null, .i(1), ec)
        #expect(Self.fields(self1)?.cert.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
        let signed = try callB("genSignedCertWithKey", .s("leaf"), .l(), .l(), .i(1), ca, try callB("genPrivateKey", .s("ed25519")))
        #expect(Self.fields(signed)?.key.hasPrefix("-----BEGIN PRIVATE KEY-----") == true)
        let selfSigned = try callB("genSelfSignedCert", .s("x"), .l(.s("1.2.3.4")), .null, .i(1))
        #expect(Self.fields(selfSigned) != nil)
    }

    @Test func errors() throws {
        #expect(callBError("genCAWithKey", .s("ca"), .i(1), .s("junk")) == "parsing private key: no PEM data in input")
        #expect(callBError("genCAWithKey", .s("ca"), .i(1), .s("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"))
            == "parsing private key: no private key data in PEM block of type FOO")
        #expect(callBError("genSelfSignedCert", .s("x"), .l(.s("300.1.1.1")), .null, .i(1)) == "error parsing ip: 300.1.1.1")
        #expect(callBError("genSelfSignedCert", .s("x"), .l(.i(1)), .null, .i(1)) == "error parsing ip: 1 is not a string")
        #expect(callBError("genSelfSignedCert", .s("x"), .null, .l(.i(2)), .i(1))
            == "error processing alternate dns name: 2 is not a string")
        #expect(callBError("buildCustomCert", .s("!"), .s("")) == "unable to decode base64 certificate")
        #expect(callBError("buildCustomCert", .s(Base64.encode(Array("x".utf8))), .s("")) == "unable to decode certificate")
        #expect(callBError("genSignedCert", .s("x"), .null, .null, .i(1), .s("ca"))
            == "wrong type for value; expected sprig.certificate; got string")
    }
}
