/// A login that did not give a session: which step failed and why. The run stops at once
/// (exit 1), except for ``isConfiguration`` mistakes (exit 2). Never holds a secret.
public struct LoginError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The steps of a login, in order.
    public enum Step: String, Sendable, Equatable {
        case loginPage = "fetching the login page"
        case form = "finding the login form"
        case fill = "filling the login form"
        case submit = "submitting the login"
        case landing = "checking the page after logging in"
    }

    public let step: Step
    public let reason: String
    /// The config file asks for something the page forbids (a password written in the file
    /// for a password input): a usage error, exit 2.
    public let isConfiguration: Bool

    public init(step: Step, reason: String, isConfiguration: Bool = false) {
        self.step = step
        self.reason = reason
        self.isConfiguration = isConfiguration
    }

    public var description: String { "login failed \(step.rawValue): \(reason)" }
}
