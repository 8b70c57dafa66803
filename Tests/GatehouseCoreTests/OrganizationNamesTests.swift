import GatehouseCore
import Testing

@Suite("Organization, permission and role names")
struct OrganizationNamesTests {
    @Test("a slug comes from the name: accents folded, other characters one hyphen, never empty", arguments: [
        ("Acme", "acme"), ("Café Müller & Söhne", "cafe-muller-sohne"), ("  --Hello,   World!-- ", "hello-world"),
        ("日本", "organization"), ("", "organization"), (String(repeating: "ab ", count: 40), String(String(repeating: "ab-", count: 21).prefix(62))),
    ])
    func slug(name: String, expected: String) {
        let slug = OrganizationNames.slug(from: name)
        #expect(slug == expected)
        #expect(OrganizationNames.isSlug(slug))
    }

    @Test("slugs: lower-case letters, digits and inner hyphens, at most 63")
    func slugRules() {
        for good in ["a", "acme-2", "x1", String(repeating: "a", count: 63)] { #expect(OrganizationNames.isSlug(good), "\(good)") }
        for bad in ["", "-a", "a-", "Acme", "a_b", "a b", "é", String(repeating: "a", count: 64)] {
            #expect(!OrganizationNames.isSlug(bad), "\(bad)")
        }
    }

    @Test("permissions are name or resource:action; role names an identifier")
    func permissionAndRoleNames() {
        for good in ["reports:read", "billing:manage", "audit", "a.b-c_d:e"] { #expect(OrganizationNames.isPermission(good), "\(good)") }
        for bad in ["", ":read", "reports:", "a:b:c", "Reports:read", "1x", "reports read", "reports:read\u{0}", String(repeating: "a", count: 64)] {
            #expect(!OrganizationNames.isPermission(bad), "\(bad)")
        }
        #expect(OrganizationNames.isRoleName("billing.viewer") && !OrganizationNames.isRoleName("billing:viewer"))
    }

    @Test("display names are trimmed, 1–200 characters, without control characters")
    func displayNames() {
        #expect(OrganizationNames.displayName("  Acme Ltd ") == "Acme Ltd")
        #expect(OrganizationNames.displayName("   ") == nil)
        #expect(OrganizationNames.displayName("a\u{7}b") == nil)
        #expect(OrganizationNames.displayName(String(repeating: "x", count: 201)) == nil)
        #expect(OrganizationNames.displayName(String(repeating: "é", count: 200)) != nil)
    }
}
