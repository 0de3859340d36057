public enum RuntimeVersion { public static let current = "0.1.0" }
