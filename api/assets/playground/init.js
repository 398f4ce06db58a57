// Starts GraphiQL against this server. Paste a token (printed by
// `cam serve --demo` or `cam token <email>`) into the Headers tab.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: 'headers',
    defaultQuery: '# Open the Headers tab below and paste:\n#   { "Authorization": "Bearer <token>" }\n# with a token from `cam serve --demo` or `cam token <email>`. Then run:\n{\n  viewer {\n    user { email name }\n    partnerAccounts { id name tier canManageAccess }\n    clientAccounts { id name superAdminCount }\n  }\n  now\n}\n'
  }));
})();
