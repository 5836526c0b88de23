import ArgumentParser

/// `muster`: the device-provisioning server and its tools.
@main
struct MusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muster",
        abstract: "Muster: a ThingsBoard-compatible device-provisioning server.",
        subcommands: [Serve.self, Import.self, Export.self, Backup.self, RotateJWTKey.self, RotateMQTTCertificate.self],
        defaultSubcommand: Serve.self
    )
}
