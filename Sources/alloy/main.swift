import AlloyRuntimeCLI
import Foundation

exit(AlloyCommand.run(Array(CommandLine.arguments.dropFirst()), io: .standard))
