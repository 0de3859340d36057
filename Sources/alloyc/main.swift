import AlloyCLI
import Foundation

exit(AlloycCommand.run(Array(CommandLine.arguments.dropFirst()), io: .standard))
