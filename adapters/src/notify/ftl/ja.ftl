# Client Access Manager のメール（日本語、R55）。
# すべてのメッセージは、すべての言語に同じ変数で存在します（テストで確認）。
# 日付は日本語の表記で、一覧は 1 行ずつ渡されます。製品の用語：
# パートナーシート、Partner Admin、スーパー管理者。

## すべてのメールの枠

email-greeting = { $name } 様
email-signature = Client Access Manager
link-client = クライアントアカウントを開く：
link-audit = アカウントの監査ログで詳細を確認する：
link-access-links = パートナーアカウントのアクセスリンクを確認する：
link-domains = パートナーアカウントのドメインを確認する：
list-and-more = { $list }、ほか { $more } 件
list-separator = 、

## R10：クライアントがアクセスリンクを承認しました

access-link-approved-subject = { $client } があなたのアクセスを承認しました
access-link-approved-body =
    { $approver } さんがあなたのアクセスリンクを承認しました。あなたは { $partner } の担当として { $client } の Partner Admin になり、パートナーシートが割り当てられました。この権限は、あなたが削除されるか管理対象の関係が終了するまで有効です。

    このアカウントであなたが持つ Partner Admin の権限：
    { $permissions }

## R13：Partner Admin が担当者をクライアントに追加しました

membership-added-subject = { $client } にアクセスできるようになりました
membership-added-body = { $adder } さんが、{ $partner } の担当としてあなたを { $client } に追加しました。

## R22：クライアントがユーザーを追加しました

client-user-added-subject = { $client } に追加されました
client-user-added-body = { $adder } さんがあなたを { $client } に追加しました。

## R40：Partner Admin が担当者を複数のクライアントに追加しました

clients-added-subject = { $count } 件のクライアントアカウントにアクセスできるようになりました
clients-added-body = { $adder } さんが、{ $partner } の担当として { $clients } へのアクセスをあなたに付与しました。

## R37：管理対象の関係がまもなく終了する、または終了しました

relationship-ending-subject = { $partner } と { $display } の管理対象の関係は { $days } 日後に終了します
relationship-ending-body =
    { $partner } には、クライアントアカウント { $client }（{ $display }）のアクティブなユーザーがいなくなりました。管理対象の関係は、最後の対象アクティビティ（{ $last }）から 60 日後の { $ends } { $time }（UTC）に終了します。

    関係を維持するには、それまでにこのアカウントでユーザーを追加または再有効化するか、アクセスリンクを承認するか、パートナーユーザーの権限を変更してください。
relationship-ended-partner-subject = { $partner } と { $display } の管理対象の関係が終了しました
relationship-ended-partner-body =
    { $partner } には、最後の対象アクティビティ（{ $last }）から 60 日間、クライアントアカウント { $client }（{ $display }）のアクティブなユーザーがいなかったため、管理対象の関係は { $ends } に終了しました。

    新しいアクセスリンクを承認すると、関係が再開します。
relationship-ended-client-subject = { $client }：パートナー { $partner } によるアカウント管理が終了しました
relationship-ended-client-body = パートナー { $partner } とあなたのアカウント { $client } の管理対象の関係は { $ends } に終了しました。パートナーには { $client } のアクティブなユーザーがおらず、60 日間対象アクティビティもありませんでした。

## R38、R39：パートナーがクライアントアカウントのユーザーを無効化または削除しました

offboarding-subject =
    { $what ->
        [removed] { $client }：{ $partner } がユーザー { $count } 人を削除しました
        [expired] { $client }：{ $partner } のユーザー { $count } 人のアクセスが終了しました
       *[deactivated] { $client }：{ $partner } がユーザー { $count } 人を無効化しました
    }
offboarding-body =
    { $what ->
        [removed] パートナー { $partner } が、あなたのアカウント { $client } からユーザー { $count } 人を削除しました：
        [expired] あなたのアカウント { $client } における、パートナー { $partner } のユーザー { $count } 人の期限付きアクセスが終了したため、無効化されました：
       *[deactivated] パートナー { $partner } が、あなたのアカウント { $client } でユーザー { $count } 人を無効化しました：
    }

    { $people }

    { $what ->
        [removed] 資産は保持されています：{ $reassigned } 件は { $client } の別のメンバーに再割り当てされ、{ $unassigned } 件は所有者なしになりました。
       *[other] メンバーシップ、データ、資産はそのまま保持されますが、このアカウントで操作することはできなくなります。
    }

## R39：担当者の期限付きアクセスがまもなく終了します

membership-expiring-subject = { $client } へのアクセスは { $date } に終了します
membership-expiring-body =
    { $partner } の担当としてのクライアントアカウント { $client } へのアクセスは、{ $date } { $time }（UTC）、つまり { $days } 日以内に終了します。その後、このアカウントでのメンバーシップは無効化されますが、資産はそのまま残ります。

    { $client } の Partner Admin は、終了日を延長または削除できます。

## R54：クライアントがアクセスリンクを拒否しました

access-link-declined-subject = { $client } があなたのアクセスリンクを拒否しました
access-link-declined-body = { $client } があなたのアクセスリンクを拒否したため、あなたは { $partner } の担当として { $client } の Partner Admin にはなりません。何も付与されていません。このリンクは他のクライアントアカウントでは引き続き有効です。
access-link-declined-note =
    先方からのメッセージ：
    { $note }

## R52：確認済みドメインの DNS による証明

domain-check-failing-subject = { $domain } の DNS レコードが見つかりません
domain-check-failing-body =
    本日の { $partner } の { $domain } の確認で、TXT レコード _cam-verification.{ $domain } とその値が見つかりませんでした。

    レコードを再度公開してください。確認の失敗が 7 日間続くと、{ $domain } は確認済みではなくなり、このドメインで新しいパートナーシートを割り当てることはできなくなります。すでに割り当てられているシートはそのまま保持されます。
domain-lapsed-subject = { $domain } は確認済みではなくなりました
domain-lapsed-body =
    { $partner } の TXT レコード _cam-verification.{ $domain } が 7 日間見つからなかったため、{ $domain } は確認済みではなくなりました。このドメインで新しいパートナーシートを割り当てることはできません。すでに割り当てられているシートはそのまま保持されます。

    再度確認するには、レコードをもう一度公開してからドメインを確認してください。

## 製品での権限の名称

permission-CONTACTS_VIEW = コンタクトの表示
permission-CONTACTS_EDIT = コンタクトの編集
permission-COMPANIES_VIEW = 会社の表示
permission-COMPANIES_EDIT = 会社の編集
permission-DEALS_VIEW = 取引の表示
permission-DEALS_EDIT = 取引の編集
permission-TICKETS_VIEW = チケットの表示
permission-TICKETS_EDIT = チケットの編集
permission-MARKETING_ACCESS = マーケティングへのアクセス
permission-CONTENT_PUBLISH = コンテンツの公開
permission-WORKFLOWS_EDIT = ワークフローの編集
permission-REPORTS_ACCESS = レポートへのアクセス
permission-USERS_ADD_EDIT = ユーザーの追加と編集
permission-TEAMS_EDIT = チームの編集
permission-ACCOUNT_SETTINGS_EDIT = アカウント設定の編集
permission-PAYMENT_CONNECTION_CREATE = 決済処理の接続
permission-PAYMENT_TOOLS_ACCESS = 決済ツールへのアクセス
permission-BILLING_VIEW = 請求情報の表示
permission-BILLING_EDIT = 請求情報の編集
permission-SCIM_PROVISIONING = SCIM によるユーザープロビジョニング
permission-DATA_CENTER_MIGRATION = データセンターの移行
permission-SUPER_ADMIN_MANAGE = スーパー管理者の管理
permission-SENSITIVE_DATA_MANAGE = 機密データの管理
permission-PARTNER_EMPLOYEE_MANAGEMENT_VIEW = パートナー従業員管理の表示
permission-PARTNER_EMPLOYEE_MANAGEMENT_EDIT = パートナー従業員管理の編集
