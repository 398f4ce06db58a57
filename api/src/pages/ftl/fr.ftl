# La page d'approbation du Client Access Manager, en français (R53, R55).
# Chaque message existe dans chaque langue avec les mêmes variables (un test
# le vérifie). Les noms des autorisations viennent des fichiers des e-mails
# (permission-…). Les dates arrivent déjà écrites à la française.

page-title = Demande d'accès
page-unknown-link-title = Lien d'accès inconnu
page-unknown-link = Vérifiez le lien que vous avez reçu : celui-ci n'est pas connu ici.
page-try-again-title = Veuillez réessayer plus tard
page-try-again = Le serveur n'a pas pu lire cette demande d'accès pour le moment.
page-moment = { $date } à { $time } UTC

## Qui demande (R9)

page-partner = Partenaire
page-worker = Collaborateur
page-email = E-mail
page-asks = { $worker }, de { $partner }, demande à devenir Partner Admin de votre compte client.

## R53 : le lien peut-il encore être approuvé

page-can-be-approved = Ce lien peut être approuvé jusqu'au { $until }.
page-dead-expired = Ce lien a expiré le { $when } et ne peut plus être approuvé. Demandez-en un nouveau à { $worker }.
page-dead-revoked = Ce lien a été révoqué : { $partner } l'a retiré ou remplacé par un lien plus récent. Il ne peut plus être approuvé. Demandez-en un nouveau à { $worker }.

## R53 : ce que l'approbation accorde, et pour combien de temps

page-grants-title = Ce que l'approbation accorde
page-grants-intro = Si vous approuvez, { $worker } devient membre du compte client de votre choix, avec :
page-role = le rôle Partner Admin ;
page-seat = le siège partenaire, gratuit, qui n'utilise aucun de vos sièges payants ;
page-permissions-heading =
    { $count ->
        [one] cette autorisation (l'ensemble Partner Admin) :
       *[other] ces { $count } autorisations (l'ensemble Partner Admin) :
    }
page-never = Un Partner Admin ne devient jamais super administrateur : il ne peut ni gérer les super administrateurs, ni consulter la facturation ou les outils de paiement, ni provisionner des utilisateurs via SCIM, ni migrer le centre de données, ni gérer les données sensibles, sauf si un super administrateur de votre compte le lui accorde plus tard.
page-duration-title = Pour combien de temps
page-duration = Il n'y a pas de date de fin. L'accès dure jusqu'à ce qu'une personne de votre compte retire { $worker }, ou jusqu'à la fin de la relation gérée entre { $partner } et votre compte.

## Connexion et décision (R10, R51, R54)

page-decide-title = Approuver ou refuser
page-who-may-decide = Un super administrateur d'un compte client, ou un utilisateur autorisé à ajouter et modifier ses utilisateurs, décide pour ce compte.
page-needs-script = La connexion nécessite JavaScript. Tout ce que l'approbation accorde est indiqué ci-dessus.
page-token-label = Votre jeton d'accès (connexion de développement)
page-sign-in = Se connecter
page-signing-in = Connexion…
page-token-empty = Collez d'abord votre jeton.
page-offline = Le serveur est injoignable. Réessayez.
page-token-invalid = Ce jeton n'est pas valide ou a expiré. Collez un jeton en cours de validité.
page-operator = Le jeton de l'opérateur ne permet pas de décider pour un compte client. Connectez-vous en tant que personne.
page-signed-in-as = Connecté en tant que { $name } ({ $email }).
page-other-token = Utiliser un autre jeton
page-accounts-legend = Vos comptes clients
page-mark-approved = déjà approuvé
page-mark-declined = refusé
page-no-accounts = Vous ne pouvez décider pour aucun de vos comptes clients : il faut être super administrateur du compte ou avoir l'autorisation d'ajouter et de modifier ses utilisateurs.
page-all-decided = Chacun de vos comptes clients a déjà pris sa décision sur ce lien.
page-note-label = Message à { $worker } en cas de refus (facultatif, 500 caractères au maximum)
page-approve = Approuver
page-decline = Refuser
page-back = Retour à la demande d'accès
page-approved = Approuvé : { $worker } est désormais Partner Admin de { $client }, avec le siège partenaire.
page-declined = Refusé pour { $client } : rien n'a été accordé. { $worker } en est informé par e-mail.
page-sign-in-with-provider = Vous vous connectez avec le compte de votre organisation, auprès de son fournisseur d'identité, puis vous revenez ici.
page-sign-out = Se déconnecter
page-sign-in-title = Connexion
page-signed-out = Déconnexion effectuée.
page-sign-in-again = Connectez-vous d'abord : votre session a expiré ou a été fermée. Rouvrez le lien d'accès et connectez-vous.
page-anti-forgery = Ce formulaire ne vient pas de ce serveur ; rien n'a donc été fait. Rouvrez le lien d'accès et décidez depuis cette page.
page-sign-in-not-set-up = La connexion par un fournisseur d'identité n'est pas configurée sur ce serveur.
page-return-not-local = Après une connexion, seul le retour vers une page de ce serveur est possible.

## Refus

page-foreign-site = Cette demande venait d'un autre site ; elle a donc été refusée. Rouvrez le lien d'accès et décidez depuis cette page.
page-sign-in-first = Connectez-vous d'abord : collez votre jeton sur la page de la demande d'accès.
page-choose-account = Choisissez d'abord l'un de vos comptes clients.
page-forbidden = Vous ne pouvez pas décider pour ce compte client : il faut être super administrateur ou avoir l'autorisation d'ajouter et de modifier ses utilisateurs.
page-busy = Le serveur est occupé. Veuillez réessayer dans un instant.
page-refused-LINK_EXPIRED = Ce lien a expiré. Demandez-en un nouveau à { $worker }.
page-refused-LINK_REVOKED = Ce lien a été révoqué. Demandez-en un nouveau à { $worker }.
page-refused-LINK_DECLINED = Votre compte a refusé ce lien ; il ne peut donc pas y être approuvé.
page-refused-ALREADY_DECLINED = Votre compte a déjà refusé ce lien.
page-refused-ALREADY_APPROVED = Votre compte a déjà approuvé ce lien.
page-refused-ALREADY_SUPER_ADMIN = { $worker } est déjà super administrateur de ce compte. Un super administrateur devient Partner Admin depuis le compte partenaire.
page-refused-NOT_ELIGIBLE_FOR_PARTNER_SEAT = { $worker } ne peut plus occuper le siège partenaire : son partenaire ou son domaine de messagerie ne remplit pas les conditions.
page-refused-PARTNER_TIER_NOT_ALLOWED = { $partner } ne peut pas avoir de Partner Admins.
page-refused-ALREADY_MEMBER = { $worker } a rejoint ce compte entre-temps. Réessayez.
page-refused-NOT_FOUND = Ce lien ou ce compte client vous est inconnu.
page-refused-INVALID_INPUT = Le message dépasse 500 caractères, ou la demande est mal formée.
page-refused-other = La demande a été refusée.

## R51 : pourquoi une connexion n'a pas abouti

page-sign-in-refused-SIGN_IN_UNKNOWN = Cette connexion n'a pas été lancée dans ce navigateur, ou elle a déjà été utilisée. Rouvrez le lien d'accès et connectez-vous depuis cette page.
page-sign-in-refused-SIGN_IN_EXPIRED = Cette connexion a pris trop de temps et a expiré. Rouvrez le lien d'accès et connectez-vous.
page-sign-in-refused-STATE_MISMATCH = Cette connexion ne correspond pas à celle lancée dans ce navigateur ; elle a donc été refusée. Rouvrez le lien d'accès et connectez-vous.
page-sign-in-refused-SIGN_IN_DENIED = Votre fournisseur d'identité n'a pas effectué la connexion. Rouvrez le lien d'accès pour réessayer.
page-sign-in-refused-CODE_REFUSED = Votre fournisseur d'identité a refusé de terminer cette connexion (elle a peut-être déjà été utilisée). Rouvrez le lien d'accès et connectez-vous.
page-sign-in-refused-NONCE_MISMATCH = La réponse de votre fournisseur d'identité ne correspond pas à cette connexion ; elle a donc été refusée. Rouvrez le lien d'accès et connectez-vous.
page-sign-in-refused-ID_TOKEN_INVALID = La réponse de votre fournisseur d'identité n'est pas fiable (sa signature, ses dates, ou une adresse e-mail non vérifiée ou extérieure à votre organisation).
page-sign-in-refused-NO_USER = Votre identité a bien été vérifiée, mais aucun utilisateur du Client Access Manager n'a votre adresse e-mail. Demandez au super administrateur de votre compte de vous ajouter.
page-sign-in-refused-PROVIDER_UNAVAILABLE = Votre fournisseur d'identité est injoignable pour le moment. Veuillez réessayer dans un instant.
