/// The standard connector library, written in `.alloy` and compiled into the compiler so it
/// works from any folder. A project's own connector with one of these names replaces it.
/// (`http` is built into the checker: its URL is dynamic.)
public enum StandardLibrary {
    /// The files of the library, as (display path, source).
    public static let files: [(path: String, source: String)] = [
        ("<std>/slack.alloy", slack),
    ]

    static let slack = #"""
/// Slack's Web API, called with the end user's own bot or user token.
connector slack {
  base "https://slack.com/api"
  auth bearer

  /// Posts a message to a channel: https://api.slack.com/methods/chat.postMessage
  action postMessage = POST "/chat.postMessage" {
    input {
      /// A channel name such as "#support", or a channel id.
      channel: String
      /// The message text, in Slack's mrkdwn.
      text: String
      /// Post as a reply in this thread.
      thread_ts: String?
    }
    output {
      ok: Bool
      channel: String?
      ts: String?
      error: String?
    }
  }

  /// Replaces the text of a message: https://api.slack.com/methods/chat.update
  action updateMessage = POST "/chat.update" {
    input {
      channel: String
      ts: String
      text: String
    }
    output {
      ok: Bool
      ts: String?
      error: String?
    }
  }
}
"""#
}
