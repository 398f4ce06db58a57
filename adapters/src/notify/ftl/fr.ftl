# Les e-mails du Client Access Manager, en français (R55).
# Chaque message existe dans chaque langue avec les mêmes variables (un test
# le vérifie). Les dates arrivent déjà écrites à la française ; les listes,
# ligne par ligne. Les termes du produit : siège partenaire, Partner Admin,
# super administrateur.

## Le cadre de chaque e-mail

email-greeting = Bonjour { $name },
email-signature = Client Access Manager
link-client = Ouvrir le compte client :
link-audit = Voir ce qui s'est passé dans le journal d'audit du compte :
link-access-links = Voir les liens d'accès de votre compte partenaire :
link-domains = Voir les domaines de votre compte partenaire :
list-and-more = { $list } et { $more } autres
list-separator = {", "}

## R10 : le client a approuvé le lien d'accès

access-link-approved-subject = { $client } a approuvé votre accès
access-link-approved-body =
    { $approver } a approuvé votre lien d'accès. Vous êtes désormais Partner Admin de { $client } pour { $partner }, avec le siège partenaire, jusqu'à ce que vous soyez retiré du compte ou que la relation gérée prenne fin.

    Les autorisations Partner Admin dont vous disposez dans ce compte :
    { $permissions }

## R13 : un Partner Admin a ajouté l'employé à un client

membership-added-subject = Vous avez désormais accès à { $client }
membership-added-body = { $adder } vous a ajouté à { $client } pour { $partner }.

## R22 : un client a ajouté l'utilisateur

client-user-added-subject = Vous avez été ajouté à { $client }
client-user-added-body = { $adder } vous a ajouté à { $client }.

## R40 : un Partner Admin a ajouté l'employé à plusieurs clients

clients-added-subject =
    { $count ->
        [one] Vous avez désormais accès à 1 compte client
       *[other] Vous avez désormais accès à { $count } comptes clients
    }
clients-added-body = { $adder } vous a donné accès à { $clients } pour { $partner }.

## R37 : la relation gérée prend fin, ou a pris fin

relationship-ending-subject =
    { $days ->
        [one] La relation gérée entre { $partner } et { $display } prend fin dans 1 jour
       *[other] La relation gérée entre { $partner } et { $display } prend fin dans { $days } jours
    }
relationship-ending-body =
    { $partner } n'a plus aucun utilisateur actif dans le compte client { $client } ({ $display }). La relation gérée prendra fin le { $ends } à { $time } UTC, 60 jours après sa dernière activité éligible, le { $last }.

    Pour la conserver, ajoutez ou réactivez un utilisateur dans ce compte, approuvez un lien d'accès ou modifiez les autorisations d'un utilisateur partenaire d'ici là.
relationship-ended-partner-subject = La relation gérée entre { $partner } et { $display } a pris fin
relationship-ended-partner-body =
    { $partner } n'a eu aucun utilisateur actif dans le compte client { $client } ({ $display }) pendant les 60 jours qui ont suivi sa dernière activité éligible (le { $last }) : la relation gérée a donc pris fin le { $ends }.

    L'approbation d'un nouveau lien d'accès la rétablit.
relationship-ended-client-subject = { $client } : le partenaire { $partner } ne gère plus votre compte
relationship-ended-client-body = La relation gérée entre le partenaire { $partner } et votre compte { $client } a pris fin le { $ends } : le partenaire n'a plus d'utilisateur actif dans { $client } et n'y a eu aucune activité éligible depuis 60 jours.

## R38, R39 : un partenaire a désactivé ou retiré ses utilisateurs chez un client

offboarding-subject =
    { $what ->
        [removed] { $client } : { $partner } a retiré { $count ->
            [one] 1 de ses utilisateurs
           *[other] { $count } de ses utilisateurs
        }
        [expired] { $client } : { $count ->
            [one] 1 utilisateur de { $partner } n'a plus accès
           *[other] { $count } utilisateurs de { $partner } n'ont plus accès
        }
       *[deactivated] { $client } : { $partner } a désactivé { $count ->
            [one] 1 de ses utilisateurs
           *[other] { $count } de ses utilisateurs
        }
    }
offboarding-body =
    { $what ->
        [removed] Le partenaire { $partner } a retiré { $count ->
            [one] 1 de ses utilisateurs
           *[other] { $count } de ses utilisateurs
        } de votre compte { $client } :
        [expired] L'accès limité dans le temps de { $count ->
            [one] 1 utilisateur
           *[other] { $count } utilisateurs
        } du partenaire { $partner } dans votre compte { $client } a expiré ; ces utilisateurs ont été désactivés :
       *[deactivated] Le partenaire { $partner } a désactivé { $count ->
            [one] 1 de ses utilisateurs
           *[other] { $count } de ses utilisateurs
        } dans votre compte { $client } :
    }

    { $people }

    { $what ->
        [removed] Leurs ressources ont été conservées : { $reassigned } réattribuées à un autre membre de { $client }, { $unassigned } laissées sans propriétaire.
       *[other] Leurs adhésions, leurs données et leurs ressources sont conservées ; ils ne peuvent simplement plus agir dans ce compte.
    }

## R39 : l'accès limité dans le temps de l'employé prend bientôt fin

membership-expiring-subject = Votre accès à { $client } prend fin le { $date }
membership-expiring-body =
    Votre accès au compte client { $client } pour le compte de { $partner } prend fin le { $date } à { $time } UTC, dans { $days } jours au plus. Votre adhésion y sera alors désactivée ; vos ressources restent en place.

    Un Partner Admin de { $client } peut prolonger ou supprimer la date de fin.

## R54 : le client a refusé le lien d'accès

access-link-declined-subject = { $client } a refusé votre lien d'accès
access-link-declined-body = { $client } a refusé votre lien d'accès : vous ne devenez pas Partner Admin de { $client } pour { $partner }. Aucun accès n'a été accordé ; le lien reste valable pour d'autres comptes clients.
access-link-declined-note =
    Leur message :
    { $note }

## R52 : la preuve DNS d'un domaine vérifié

domain-check-failing-subject = La preuve DNS de { $domain } est introuvable
domain-check-failing-body =
    La vérification d'aujourd'hui de { $domain } pour { $partner } n'a pas trouvé l'enregistrement TXT _cam-verification.{ $domain } avec sa valeur.

    Publiez à nouveau l'enregistrement : après 7 jours de vérifications en échec, { $domain } ne sera plus vérifié et ne permettra plus d'attribuer de nouveaux sièges partenaires. Les sièges déjà attribués sont conservés.
domain-lapsed-subject = { $domain } n'est plus vérifié
domain-lapsed-body =
    L'enregistrement TXT _cam-verification.{ $domain } de { $partner } est absent depuis 7 jours : { $domain } n'est donc plus vérifié. Il ne permet plus d'attribuer de nouveaux sièges partenaires ; les sièges déjà attribués sont conservés.

    Publiez à nouveau l'enregistrement, puis lancez la vérification du domaine pour le vérifier de nouveau.

## Les autorisations, telles que le produit les nomme

permission-CONTACTS_VIEW = Afficher les contacts
permission-CONTACTS_EDIT = Modifier les contacts
permission-COMPANIES_VIEW = Afficher les entreprises
permission-COMPANIES_EDIT = Modifier les entreprises
permission-DEALS_VIEW = Afficher les transactions
permission-DEALS_EDIT = Modifier les transactions
permission-TICKETS_VIEW = Afficher les tickets
permission-TICKETS_EDIT = Modifier les tickets
permission-MARKETING_ACCESS = Accès au marketing
permission-CONTENT_PUBLISH = Publier du contenu
permission-WORKFLOWS_EDIT = Modifier les workflows
permission-REPORTS_ACCESS = Accès aux rapports
permission-USERS_ADD_EDIT = Ajouter et modifier des utilisateurs
permission-TEAMS_EDIT = Modifier les équipes
permission-ACCOUNT_SETTINGS_EDIT = Modifier les paramètres du compte
permission-PAYMENT_CONNECTION_CREATE = Connecter un système de paiement
permission-PAYMENT_TOOLS_ACCESS = Accès aux outils de paiement
permission-BILLING_VIEW = Afficher la facturation
permission-BILLING_EDIT = Modifier la facturation
permission-SCIM_PROVISIONING = Provisionnement des utilisateurs SCIM
permission-DATA_CENTER_MIGRATION = Migration du centre de données
permission-SUPER_ADMIN_MANAGE = Gérer les super administrateurs
permission-SENSITIVE_DATA_MANAGE = Gérer les données sensibles
permission-PARTNER_EMPLOYEE_MANAGEMENT_VIEW = Afficher la gestion des employés du partenaire
permission-PARTNER_EMPLOYEE_MANAGEMENT_EDIT = Modifier la gestion des employés du partenaire
