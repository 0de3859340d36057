import AlloyCLI
