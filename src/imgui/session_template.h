// Warm start under doppel-gateway --warm (docs/gateway.md): the application, started once with
// DOPPEL_TEMPLATE_FD, initializes (ImGui context, font atlas, whatever it did before
// ImGui_ImplDoppel_Init) and then waits here for fork requests instead of serving. Each request
// forks a session that returns from this function as a fresh process, ready to draw.
//
// Protocol on the template socket (AF_UNIX SOCK_SEQPACKET; the gateway's side is in
// web/handoff.cpp, which this layer may not include):
//   'F' + session id, with the session's handoff socket attached     gateway -> template
//   'P' + u32 pid (LE) of the new session, or 'E' + reason            template -> gateway
// Double fork: the session is reparented to the gateway (a child subreaper), which reaps it
// like any session; it dies with the gateway (PR_SET_PDEATHSIG) as cold sessions do.
#pragma once

namespace doppel {
class EventLoop;
}

namespace doppel::imgui {

/// Serves fork requests on `templateFd` until the gateway closes it (then the template exits).
/// Returns only in a new session, with DOPPEL_HANDOFF_FD and DOPPEL_SESSION_ID set in its
/// environment; `loop` (may be null) is told about each fork (EventLoop::notifyFork). Returns
/// false if `templateFd` is not usable.
bool serveAsTemplate(int templateFd, EventLoop* loop);

}  // namespace doppel::imgui
