/// Every view Gatehouse renders: the one list the start-up check (`PageRenderer`) derives its
/// templates from and the tests render samples of (`TemplateViewTests`). A view missing here
/// does not render (`PageRenderer` refuses a template it did not check), so a new page or mail
/// is added here with its view. (Lists of metatypes are not `Sendable`, so they are computed.)
enum RenderedViews {
    static var all: [any TemplateView.Type] {
        pages.map { $0 as any TemplateView.Type } + mails.map { $0 as any TemplateView.Type }
    }

    static var pages: [any PageView.Type] {
        [
            // Sign-in, consent and sign-out
            LoginView.self, OrganizationPickerView.self, ConsentView.self, FormPostView.self, LogoutConfirmView.self, SignedOutView.self,
            // Answers any page may give
            ErrorView.self, NoticeView.self, RateLimitedView.self,
            // Accounts
            RegisterView.self, VerifyEmailView.self, ForgotPasswordView.self, ResetPasswordView.self, AccountView.self,
            AccountClosingView.self, AccountClosedView.self,
            // Second factor
            MFAChallengeView.self, TOTPEnrolmentView.self, EmailEnrolmentView.self, RecoveryCodesView.self,
            // Invitations and organizations
            InvitationView.self, OrganizationView.self, PeopleView.self,
            // The console
            AdminDashboardView.self, AdminUsersView.self, AdminUserView.self, AdminClientsView.self, AdminClientView.self, AdminAuditView.self, AdminJobView.self, AdminJobsView.self,
            AdminImportsView.self, AdminImportView.self,
            // API keys
            APIKeysView.self,
            // Development mode
            DemoResultView.self, DevMailboxView.self,
        ]
    }

    static var mails: [any MailView.Type] {
        [
            MailComposer.VerificationMail.self, MailComposer.AccountExistsMail.self, MailComposer.ResetMail.self,
            MailComposer.NoticeMail.self, MailComposer.SignInCodeMail.self, InvitationMailer.Message.self,
            AccountClosingMailer.Message.self,
        ]
    }
}
