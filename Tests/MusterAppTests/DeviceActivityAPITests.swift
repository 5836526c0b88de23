import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// The device list's last activity and active state, over real sockets: the latest telemetry or client attribute
/// of each device, compared with its profile's inactivity timeout.
@Suite struct DeviceActivityAPITests {
    @Test(arguments: TestStoreKind.allCases)
    func aDeviceIsActiveWithinItsProfilesInactivityTimeout(store: TestStoreKind) async throws {
        try await TestServer.run(store: store) { server in
            let token = try await server.login()
            let profile = try await server.send(
                "POST", "/api/deviceProfile",
                body: #"{"name":"Quick","profileData":{"inactivityTimeoutSeconds":60}}"#, token: token)
            #expect(profile.status == 200, "\(profile.text)")
            #expect(try profile.json()["profileData"]?["inactivityTimeoutSeconds"] == .number("60"))
            let refused = try await server.send(
                "POST", "/api/deviceProfile", body: #"{"name":"Bad","profileData":{"inactivityTimeoutSeconds":0}}"#, token: token)
            #expect(refused.status == 400 && refused.text.contains("inactivityTimeoutSeconds"))

            for (name, tokenValue, type) in [("recent", "t-recent", "default"), ("old", "t-old", "default"), ("quiet", "t-quiet", "default"), ("old-quick", "t-quick", "Quick")] {
                let created = try await server.send(
                    "POST", "/api/device?accessToken=\(tokenValue)", body: #"{"name":"\#(name)","type":"\#(type)"}"#, token: token)
                #expect(created.status == 200, "\(created.text)")
            }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            // Two minutes ago: inside the default 10 minutes, outside Quick's one minute.
            let twoMinutesAgo = now - 120_000
            #expect(try await server.send("POST", "/api/v1/t-recent/attributes", body: #"{"firmware":"1.0"}"#).status == 200)
            #expect(try await server.send(
                "POST", "/api/v1/t-old/telemetry", body: #"{"ts":\#(twoMinutesAgo),"values":{"t":1}}"#).status == 200)
            #expect(try await server.send(
                "POST", "/api/v1/t-quick/telemetry", body: #"{"ts":\#(twoMinutesAgo),"values":{"t":1}}"#).status == 200)

            let list = try await server.send("GET", "/api/tenant/deviceInfos?pageSize=10&page=0", token: token).json()
            guard case .array(let devices)? = list["data"] else { Issue.record("no data: \(list)"); return }
            func device(_ name: String) -> JSONValue? { devices.first { $0["name"] == .string(name) } }
            #expect(device("recent")?["active"] == .bool(true))
            #expect(device("old")?["active"] == .bool(true))
            #expect(device("old")?["lastActivityTime"] == .number(String(twoMinutesAgo)))
            #expect(device("old-quick")?["active"] == .bool(false))
            #expect(device("old-quick")?["lastActivityTime"] == .number(String(twoMinutesAgo)))
            #expect(device("quiet")?["active"] == .bool(false))
            #expect(device("quiet")?["lastActivityTime"] == nil || device("quiet")?["lastActivityTime"] == .null)
            guard case .number(let recent)? = device("recent")?["lastActivityTime"], let recentTime = Int64(recent) else {
                Issue.record("no last activity of 'recent'")
                return
            }
            #expect(abs(recentTime - now) < 60_000)
        }
    }
}
