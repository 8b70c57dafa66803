import Foundation

/// The handlers of the bulk user actions (issue 11 item 4), built on the Core services that do
/// each action for one target. Imports add their own handlers beside these (`BulkHandlers.adding`).
public enum BulkUserActions {
    public static func handlers(lifecycle: UserLifecycle, administration: OrganizationAdministration, customRoles: CustomRoles,
                                invitations: Invitations) -> BulkHandlers {
        BulkHandlers([
            BulkLifecycleHandler(.suspend, lifecycle: lifecycle),
            BulkLifecycleHandler(.reactivate, lifecycle: lifecycle),
            BulkLifecycleHandler(.delete, lifecycle: lifecycle),
            BulkRoleHandler(.assign, administration: administration, customRoles: customRoles),
            BulkRoleHandler(.remove, administration: administration, customRoles: customRoles),
            BulkInvitationResendHandler(invitations: invitations),
        ])
    }
}
