/// Datagrams transcribed from the exchanges drawn in the RFCs (each checked with aiocoap's decoder).
///
/// RFC 7252 Appendix A draws `GET /temperature` exchanges: piggy-backed (MID 0x7d34, no token; MID 0x7d35,
/// token 0x20), separate (empty ACK, then a CON 2.05 acknowledged by the client), non-confirmable, and §4.3's
/// ping. RFC 7641 §1.2 Figure 2 draws an observation of `/temperature` (token 0x4a, Observe 12, 44, 60).
/// RFC 7959 §3 draws Block2 `GET /status` and Block1 `PUT /options` with MIDs 1234… and 128-byte blocks; the
/// payloads here are filler bytes appended by the tests.
enum RFCDatagrams {
    // RFC 7252 Appendix A, confirmable request with piggy-backed response.
    static let getTemperature = "40017d34bb74656d7065726174757265"
    static let contentTemperature = "60457d34ff32322e332043"
    static let getTemperatureWithToken = "41017d3520bb74656d7065726174757265"
    static let contentTemperatureWithToken = "61457d3520ff32322e352043"

    // RFC 7252 Appendix A, separate response.
    static let separateGet = "41017d3853bb74656d7065726174757265"
    static let separateEmptyAcknowledgement = "60007d38"
    static let separateContent = "4145ad7b53ff32322e332043"
    static let separateContentAcknowledgement = "6000ad7b"

    // RFC 7252 Appendix A, non-confirmable request and response.
    static let nonConfirmableGet = "51017d3964bb74656d7065726174757265"
    static let nonConfirmableContent = "5145ad7c64ff32322e332043"

    // RFC 7252 §4.3, CoAP ping (empty CON) and its Reset.
    static let ping = "40001234"
    static let pingReset = "70001234"

    // RFC 7641 §1.2 Figure 2, observation of /temperature.
    static let observeRegister = "41011e844a605b74656d7065726174757265"
    static let notification12 = "61451e844a610cff32322e392043656c"
    static let notification44 = "51451e854a612cff32322e382043656c"
    static let notification60 = "51451e864a613cff32332e312043656c"

    // RFC 7959 §3.1 Figure 2, Block2 GET /status with 128-byte blocks (payload appended by the test).
    static let block2Get0 = "400104d2b6737461747573"
    static let block2Content0Header = "604504d2d10a0bff"
    static let block2Get1 = "400104d3b6737461747573c113"
    static let block2Content1Header = "604504d3d10a1bff"
    static let block2Get2 = "400104d4b6737461747573c123"
    static let block2Content2Header = "604504d4d10a23ff"

    // RFC 7959 §3.2 Figures 6 and 7, Block1 PUT /options (payload appended by the test).
    static let block1Put0Header = "400304d2b76f7074696f6e73d1030bff"
    static let block1Continue0 = "605f04d2d10e0b"
    static let block1ContinueSmaller0 = "605f04d2d10e09"
    static let block1Put4SmallerHeader = "400304d3b76f7074696f6e73d10349ff"
}
