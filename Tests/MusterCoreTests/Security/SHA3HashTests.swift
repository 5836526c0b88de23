import MusterCore
import Testing

@Suite struct SHA3HashTests {
    @Test(arguments: [
        ("", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"),
        ("abc", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376"
        ),
    ])
    func knownVectors(input: String, expected: String) {
        #expect(SHA3Hash.hex(input) == expected)
    }

    @Test func joiningSkipsEmptyParts() {
        #expect(SHA3Hash.hex(joining: ["client", "user"], delimiter: "|") == SHA3Hash.hex("client|user"))
        #expect(SHA3Hash.hex(joining: ["client", ""], delimiter: "|") == SHA3Hash.hex("client"))
        #expect(SHA3Hash.hex(joining: [nil, "user"], delimiter: "|") == SHA3Hash.hex("user"))
    }
}

@Suite struct ConstantTimeTests {
    @Test func equalAndUnequal() {
        #expect(constantTimeEquals("secret", "secret"))
        #expect(!constantTimeEquals("secret", "secreT"))
        #expect(!constantTimeEquals("secret", "secret1"))
        #expect(!constantTimeEquals("", "a"))
        #expect(constantTimeEquals("", ""))
        #expect(constantTimeEquals("ünïcode", "ünïcode"))
    }
}
