internal import CLibCrypto
#if canImport(Glibc)
    import Glibc
#endif

/// Builds and signs an X.509 certificate the way Sprig's `getBaseCertTemplate` + `getCertAndKey` do
/// through Go's `x509.CreateCertificate`.
enum CertificateBuilder {
    /// Go's `net.ParseIP` bytes as x509 writes them (IPv4, including IPv4-mapped, as 4 bytes).
    static func parseIP(_ s: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard !s.contains("%"), inet_pton(AF_INET6, s, &v6) == 1 else { return nil }
        let b = withUnsafeBytes(of: &v6) { Array($0) }
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return Array(b[12...]) }
        return b
    }

    static func make(cn cnValue: TemplateValue, ips: TemplateValue, dns: TemplateValue, days: TemplateValue,
                     key: PrivateKey, isCA: Bool, signer: SprigCertificate?, env: any FunctionEnvironment) throws
        -> SprigCertificate
    {
        let cn = RegexSupport.str(cnValue)
        var ipBytes: [[UInt8]] = []
        for ip in ListSupport.sliceElements(ips) ?? [] {
            guard case .string(let s) = ip else { throw FunctionError("error parsing ip: \(ip.goString) is not a string") }
            guard let b = parseIP(s) else { throw FunctionError("error parsing ip: \(s)") }
            ipBytes.append(b)
        }
        var dnsNames: [String] = []
        for name in ListSupport.sliceElements(dns) ?? [] {
            guard case .string(let s) = name else {
                throw FunctionError("error processing alternate dns name: \(name.goString) is not a string")
            }
            dnsNames.append(s)
        }

        // The signer: the CA's certificate and key, or the new key itself.
        var parent: X509Handle?
        var signingKey = key
        if let signer {
            guard let block = PEMBlock.first(in: signer.cert) else { throw FunctionError("unable to decode certificate") }
            guard let p = X509Handle.parse(der: block.der) else {
                throw FunctionError("error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate")
            }
            parent = p
            signingKey = try PrivateKey.parse(signer.key, context: "error parsing private key")
        }
        if signingKey.type == "dsa" {
            throw FunctionError("error creating certificate: x509: certificate private key does not implement crypto.Signer")
        }
        if let parent, EVP_PKEY_eq(X509_get0_pubkey(parent.x), signingKey.pkey) != 1 {
            throw FunctionError("error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey")
        }

        guard let x = X509_new() else { throw FunctionError("error creating certificate: out of memory") }
        let cert = X509Handle(x)
        X509_set_version(x, 2)

        var serial = [UInt8](repeating: 0, count: 16)
        env.random.fill(&serial)
        let bn = BN_bin2bn(serial, Int32(serial.count), nil)
        defer { BN_free(bn) }
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x))

        let now = env.clock.now().seconds
        let daysValid = days.castInt64
        var start = time_t(now)
        X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &start)
        // NotAfter = now + daysValid*24h (Go's Duration arithmetic).
        X509_time_adj_ex(X509_getm_notAfter(x), Int32(clamping: daysValid), 0, &start)

        guard let name = X509_NAME_new() else { throw FunctionError("error creating certificate: out of memory") }
        defer { X509_NAME_free(name) }
        if !cn.isEmpty {
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0)
        }
        X509_set_subject_name(x, name)
        X509_set_issuer_name(x, parent.map { X509_get_subject_name($0.x) } ?? name)
        X509_set_pubkey(x, key.pkey)

        var ctx = X509V3_CTX()
        helmctl_X509V3_set_ctx_nodb(&ctx)
        X509V3_set_ctx(&ctx, parent?.x ?? x, x, nil, nil, 0)
        func add(_ nid: Int32, _ value: String) throws {
            guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
                throw FunctionError("error creating certificate: cannot add extension \(value)")
            }
            defer { X509_EXTENSION_free(ext) }
            X509_add_ext(x, ext, -1)
        }
        try add(NID_key_usage, "critical,digitalSignature,keyEncipherment" + (isCA ? ",keyCertSign" : ""))
        try add(NID_ext_key_usage, "serverAuth,clientAuth")
        try add(NID_basic_constraints, isCA ? "critical,CA:TRUE" : "critical,CA:FALSE")
        if isCA { try add(NID_subject_key_identifier, "hash") }
        // Go copies the parent's SubjectKeyId when issuer and subject differ.
        if let parent, X509_get_ext_by_NID(parent.x, NID_subject_key_identifier, -1) >= 0,
           X509_NAME_cmp(X509_get_subject_name(parent.x), name) != 0
        {
            try add(NID_authority_key_identifier, "keyid:always")
        }
        if !dnsNames.isEmpty || !ipBytes.isEmpty {
            guard let names = helmctl_general_names_new() else { throw FunctionError("error creating certificate: out of memory") }
            defer { helmctl_general_names_free(names) }
            for d in dnsNames {
                guard let gen = GENERAL_NAME_new(), let ia5 = ASN1_IA5STRING_new() else { continue }
                ASN1_STRING_set(ia5, d, Int32(d.utf8.count))
                GENERAL_NAME_set0_value(gen, GEN_DNS, UnsafeMutableRawPointer(ia5))
                helmctl_general_names_push(names, gen)
            }
            for ip in ipBytes {
                guard let gen = GENERAL_NAME_new(), let oct = ASN1_OCTET_STRING_new() else { continue }
                ASN1_OCTET_STRING_set(oct, ip, Int32(ip.count))
                GENERAL_NAME_set0_value(gen, GEN_IPADD, UnsafeMutableRawPointer(oct))
                helmctl_general_names_push(names, gen)
            }
            X509_add1_ext_i2d(x, NID_subject_alt_name, UnsafeMutableRawPointer(names), 0, 0)
        }

        let md = signingKey.type == "ed25519" ? nil : EVP_sha256()
        guard X509_sign(x, signingKey.pkey, md) > 0 else {
            throw FunctionError("error creating certificate: signing failed")
        }
        guard let bio = BIO_new(BIO_s_mem()) else { throw FunctionError("cannot allocate BIO") }
        defer { BIO_free(bio) }
        PEM_write_bio_X509(bio, x)
        _ = cert
        return SprigCertificate(cert: BIOText.read(bio), key: try key.pem())
    }
}
