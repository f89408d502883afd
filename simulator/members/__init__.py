"""The membership systems a strategy team runs (docs/model.md §11): surveys, lifecycle
stages, the churn early warning with churn reasons, and behaviour points with policing.

They see only what a firm observes. :class:`simulator.members.system.MembershipSystems`
is the component the day calls; with no system configured it does nothing.
"""
