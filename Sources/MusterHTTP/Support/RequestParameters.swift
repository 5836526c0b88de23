import Foundation
import Hummingbird
import MusterCore

/// Reading path and query parameters with clear errors.
extension Request {
    /// The query's parameters in order, decoded as Spring (and every HTML form) does: `+` is a space, then
    /// `%XX` escapes are decoded (`%2B` is a plus). Python `requests` and ThingsBoard's REST clients send spaces
    /// as `+`.
    var formQuery: [(name: String, value: String)] {
        guard let query = uri.query, !query.isEmpty else { return [] }
        func decode(_ text: Substring) -> String {
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The query parameter `name` (the first, when repeated).
    func query(_ name: String) -> String? {
        formQuery.first { $0.name == name }?.value
    }

    /// A list from `name=a,b` and/or repeated `name=a&name=b`, also accepted under `alternative` names.
    func queryList(_ names: String...) -> [String]? {
        var items: [String] = []
        var present = false
        let parameters = formQuery
        for name in names {
            for parameter in parameters where parameter.name == name {
                present = true
                items += parameter.value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
        }
        return present ? items : nil
    }

    /// A boolean parameter, `true` in any letter case (Spring reads `True` as true).
    func queryFlag(_ name: String) -> Bool {
        query(name)?.lowercased() == "true"
    }

    func queryInt(_ name: String) throws -> Int? {
        guard let text = query(name) else { return nil }
        guard let value = Int(text) else { throw RequestError.invalidParameter(name: name, reason: "'\(text)' is not an integer") }
        return value
    }

    func queryInt64(_ name: String) throws -> Int64? {
        guard let text = query(name) else { return nil }
        guard let value = Int64(text) else { throw RequestError.invalidParameter(name: name, reason: "'\(text)' is not an integer") }
        return value
    }

    func queryUUID(_ name: String) throws -> UUID? {
        guard let text = query(name), !text.isEmpty else { return nil }
        guard let value = UUID(uuidString: text) else { throw RequestError.invalidParameter(name: name, reason: "'\(text)' is not a UUID") }
        return value
    }

    /// ThingsBoard's paging parameters.
    func pageLink() throws -> PageLink {
        let pageSize = try queryInt("pageSize") ?? 10
        let page = try queryInt("page") ?? 0
        guard (1...PageLink.maxPageSize).contains(pageSize) else {
            throw RequestError.invalidParameter(name: "pageSize", reason: "must be between 1 and \(PageLink.maxPageSize)")
        }
        guard page >= 0 else { throw RequestError.invalidParameter(name: "page", reason: "must not be negative") }
        var sort = PageLink.SortProperty.createdTime
        if let property = query("sortProperty"), !property.isEmpty {
            switch property {
            case "createdTime": sort = .createdTime
            case "name", "title", "email": sort = .name
            case "type", "deviceProfileName", "assetProfileName": sort = .type
            case "label": sort = .label
            default: throw RequestError.invalidParameter(name: "sortProperty", reason: "'\(property)' is not supported")
            }
        }
        let order = query("sortOrder")?.uppercased() ?? "DESC"
        guard order == "ASC" || order == "DESC" else {
            throw RequestError.invalidParameter(name: "sortOrder", reason: "must be ASC or DESC")
        }
        let search = query("textSearch").flatMap { $0.isEmpty ? nil : $0 }
        var link = PageLink(pageSize: pageSize, page: page, textSearch: search, sortProperty: sort, ascending: order == "ASC")
        switch query("textSearchMode")?.uppercased() {
        case nil, "", "PREFIX": break
        case "CONTAINS": link.containsSearch = true
        default: throw RequestError.invalidParameter(name: "textSearchMode", reason: "must be PREFIX or CONTAINS")
        }
        return link
    }
}

extension MusterRequestContext {
    /// The path parameter `name` as a UUID.
    func uuidParameter(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let uuid = UUID(uuidString: text) else {
            throw RequestError.invalidParameter(name: name, reason: "'\(parameters.get(name) ?? "")' is not a UUID")
        }
        return uuid
    }
}
