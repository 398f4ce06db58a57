# The approval page of the Client Access Manager, in English (R53, R55).
# Every message exists in every language with the same variables (a test
# checks it). Permission names come from the emails' files
# (permission-…), so that a page and an email call a permission the same.
# Dates arrive already written in the language's usual form.

page-title = Access request
page-unknown-link-title = Unknown access link
page-unknown-link = Check the link you were sent: this one is not known here.
page-try-again-title = Please try again later
page-try-again = The server could not read this access request just now.
page-moment = { $date }, { $time } UTC

## Who asks (R9)

page-partner = Partner
page-worker = Worker
page-email = Email
page-asks = { $worker } of { $partner } asks to become a partner admin of your client account.

## R53: whether the link can still be approved

page-can-be-approved = This link can be approved until { $until }.
page-dead-expired = This link expired on { $when } and can no longer be approved. Ask { $worker } for a new one.
page-dead-revoked = This link was revoked: { $partner } withdrew it or replaced it with a newer one. It can no longer be approved. Ask { $worker } for a new one.

## R53: what approving grants, and for how long

page-grants-title = What approving grants
page-grants-intro = If you approve, { $worker } becomes a member of the client account you choose, with:
page-role = the Partner Admin role;
page-seat = the partner seat, which is free and uses none of your paid seats;
page-permissions-heading =
    { $count ->
        [one] this permission (the Partner Admin set):
       *[other] these { $count } permissions (the Partner Admin set):
    }
page-never = A partner admin never becomes a super admin: they cannot manage super admins, see billing or payment tools, provision users through SCIM, migrate the data centre or manage sensitive data, unless a super admin of your account grants it later.
page-duration-title = For how long
page-duration = There is no end date. The access lasts until someone in your account removes { $worker }, or until the managed relationship between { $partner } and your account ends.

## Signing in and deciding (R10, R51, R54)

page-decide-title = Approve or decline
page-who-may-decide = A super admin of a client account, or a user who may add and edit its users, decides for it.
page-needs-script = Signing in needs JavaScript. Everything above is all that approving grants.
page-token-label = Your bearer token (development sign-in)
page-sign-in = Sign in
page-signing-in = Signing in…
page-token-empty = Paste your token first.
page-offline = The server could not be reached. Try again.
page-token-invalid = That token is not valid or has expired. Paste a current one.
page-operator = The operator token cannot decide for a client account. Sign in as a person.
page-signed-in-as = Signed in as { $name } ({ $email }).
page-other-token = Use another token
page-accounts-legend = Your client accounts
page-mark-approved = approved already
page-mark-declined = declined
page-no-accounts = You may decide for none of your client accounts: it takes a super admin of the account, or the permission to add and edit its users.
page-all-decided = Each of your client accounts has decided about this link already.
page-note-label = Note to { $worker } if you decline (optional, at most 500 characters)
page-approve = Approve
page-decline = Decline
page-back = Back to the access request
page-approved = Approved: { $worker } is now a partner admin of { $client }, with the partner seat.
page-declined = Declined for { $client }: nothing was granted. { $worker } is told by email.
page-sign-in-with-provider = You sign in with your organisation's account, at its identity provider, then come back here.
page-sign-out = Sign out
page-sign-in-title = Sign-in
page-signed-out = You are signed out.
page-sign-in-again = Sign in first: your session has ended or you signed out. Open the access link again and sign in.
page-anti-forgery = This form is not one this server gave you, so nothing was done. Open the access link again and decide there.
page-sign-in-not-set-up = Sign-in with an identity provider is not set up on this server.
page-return-not-local = A sign-in can only come back to a page of this server.

## Refusals

page-foreign-site = This request came from another site, so it was refused. Open the access link again and decide there.
page-sign-in-first = Sign in first: paste your token on the access request page.
page-choose-account = Choose one of your client accounts first.
page-forbidden = You may not decide for that client account: it takes a super admin or the permission to add and edit its users.
page-busy = The server is busy. Please try again in a moment.
page-refused-LINK_EXPIRED = This link has expired. Ask { $worker } for a new one.
page-refused-LINK_REVOKED = This link was revoked. Ask { $worker } for a new one.
page-refused-LINK_DECLINED = Your account declined this link, so it cannot be approved there.
page-refused-ALREADY_DECLINED = Your account declined this link already.
page-refused-ALREADY_APPROVED = Your account approved this link already.
page-refused-ALREADY_SUPER_ADMIN = { $worker } is a super admin of that account already. A super admin changes to partner admin from the partner account instead.
page-refused-NOT_ELIGIBLE_FOR_PARTNER_SEAT = { $worker } can no longer hold the partner seat: their partner or email domain does not qualify.
page-refused-PARTNER_TIER_NOT_ALLOWED = { $partner } cannot have partner admins.
page-refused-ALREADY_MEMBER = { $worker } joined that account meanwhile. Try again.
page-refused-NOT_FOUND = This link or client account is unknown to you.
page-refused-INVALID_INPUT = The note is longer than 500 characters, or the request is malformed.
page-refused-other = The request was refused.

## R51: why a sign-in did not sign the person in

page-sign-in-refused-SIGN_IN_UNKNOWN = This sign-in was not started in this browser, or it was finished already. Open the access link again and sign in from there.
page-sign-in-refused-SIGN_IN_EXPIRED = This sign-in took too long and has expired. Open the access link again and sign in.
page-sign-in-refused-STATE_MISMATCH = This sign-in does not match the one started in this browser, so it was refused. Open the access link again and sign in.
page-sign-in-refused-SIGN_IN_DENIED = Your identity provider did not sign you in. Open the access link again to try once more.
page-sign-in-refused-CODE_REFUSED = Your identity provider refused to finish this sign-in (it may have been used already). Open the access link again and sign in.
page-sign-in-refused-NONCE_MISMATCH = The answer of your identity provider does not belong to this sign-in, so it was refused. Open the access link again and sign in.
page-sign-in-refused-ID_TOKEN_INVALID = Your identity provider's answer could not be trusted (its signature, its dates, or an email address that is not verified or not of your organisation).
page-sign-in-refused-NO_USER = You signed in, but no user of the Client Access Manager has your email address. Ask your account's super admin to add you.
page-sign-in-refused-PROVIDER_UNAVAILABLE = Your identity provider cannot be reached just now. Please try again in a moment.
