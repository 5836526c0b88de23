import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Completes the login from the terminal: asks for whatever the environment did not give (the password without
/// echo), on standard error so that standard output stays the summary.
enum CredentialPrompt {
    /// The username and password to log in with.
    /// - Parameters:
    ///   - username: From `MUSTER_USERNAME`, if set.
    ///   - password: From `MUSTER_PASSWORD`, if set.
    /// - Throws: ``ImportClientError/missingCredentials`` when one is missing and standard input is not a terminal.
    static func resolve(username: String?, password: String?) throws(ImportClientError) -> (
        username: String, password: String
    ) {
        if let username, let password { return (username, password) }
        guard isatty(STDIN_FILENO) == 1 else { throw .missingCredentials }
        guard let name = username ?? ask("Username (email): ", echo: true), !name.isEmpty,
            let secret = password ?? ask("Password for \(name): ", echo: false), !secret.isEmpty
        else { throw .missingCredentials }
        return (name, secret)
    }

    /// Prints `prompt` on standard error and reads one line from the terminal.
    private static func ask(_ prompt: String, echo: Bool) -> String? {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        let canHide = !echo && tcgetattr(STDIN_FILENO, &saved) == 0
        if canHide {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if canHide {
                _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        return readLine(strippingNewline: true)
    }
}
